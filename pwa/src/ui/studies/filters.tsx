import { useId } from 'react';
import { dateToken, modalityToken, readFilters, sexToken, withFilter } from './query-filters.ts';

/** The modalities a clinic meets most; anything else is typed as mod:XX. */
const MODALITIES = ['CT', 'MR', 'CR', 'DX', 'US', 'MG', 'XA', 'NM', 'PT', 'ES', 'XC', 'OT'];

/** Quick filters: each one rewrites its part of the search text. */
export function QuickFilterBar({ query, onChange }: { query: string; onChange(next: string): void }) {
  const filters = readFilters(query);
  const id = useId();

  function toggleModality(modality: string) {
    const chosen = filters.modalities.includes(modality)
      ? filters.modalities.filter((m) => m !== modality)
      : [...filters.modalities, modality];
    onChange(withFilter(query, 'modality', modalityToken(chosen)));
  }

  return (
    <div className="filters">
      <div className="chips" role="group" aria-label="Modality">
        {MODALITIES.map((m) => (
          <button
            key={m}
            type="button"
            className="chip"
            aria-pressed={filters.modalities.includes(m)}
            onClick={() => toggleModality(m)}
          >
            {m}
          </button>
        ))}
      </div>
      <div className="filter-fields">
        <div className="filter-field">
          <label htmlFor={`${id}-from`}>From</label>
          <input
            id={`${id}-from`}
            type="date"
            value={filters.dateFrom}
            max={filters.dateTo || undefined}
            onChange={(e) => onChange(withFilter(query, 'date', dateToken(e.target.value, filters.dateTo)))}
          />
        </div>
        <div className="filter-field">
          <label htmlFor={`${id}-to`}>To</label>
          <input
            id={`${id}-to`}
            type="date"
            value={filters.dateTo}
            min={filters.dateFrom || undefined}
            onChange={(e) => onChange(withFilter(query, 'date', dateToken(filters.dateFrom, e.target.value)))}
          />
        </div>
        <div className="filter-field">
          <label htmlFor={`${id}-sex`}>Sex</label>
          <select
            id={`${id}-sex`}
            value={filters.sex}
            onChange={(e) => onChange(withFilter(query, 'sex', sexToken(e.target.value)))}
          >
            <option value="">Any</option>
            <option value="F">Female</option>
            <option value="M">Male</option>
            <option value="O">Other</option>
          </select>
        </div>
      </div>
    </div>
  );
}
