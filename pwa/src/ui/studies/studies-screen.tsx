import { useEffect, useRef, useState } from 'react';
import type { PatientTimeline as Timeline, SearchAnswer } from '../../vault/vault-api.ts';
import { ErrorText } from '../common/controls.tsx';
import type { Failure } from '../errors.ts';
import { plural } from '../format.ts';
import { useVault } from '../vault-context.tsx';
import { QuickFilterBar } from './filters.tsx';
import { PatientTimeline } from './patient-timeline.tsx';
import { ResultsTable } from './results-table.tsx';

/** Short enough to feel instant, long enough not to search at every key of a fast typist. */
const DEBOUNCE_MS = 120;
/** Patients per answer; more is unreadable on one screen and slow to render on a tablet. */
const GROUP_LIMIT = 200;

function SyntaxHint() {
  return (
    <div className="syntax-hint">
      <p>Type any part of a patient number, name, description or report. To narrow a search:</p>
      <ul>
        <li>
          <code>pn:12345</code> patient number (<code>pn:123*</code> starts with)
        </li>
        <li>
          <code>name:yamada</code> · <code>sex:F</code> · <code>born:1960-04-01</code>
        </li>
        <li>
          <code>date:2024-03</code> · <code>date:2024-01-01..2024-06-30</code>
        </li>
        <li>
          <code>mod:CT,MR</code> · <code>body:chest</code> · <code>desc:"with contrast"</code>
        </li>
        <li>
          <code>acc:</code> accession · <code>doc:</code> document number · <code>fac:</code> facility ·{' '}
          <code>report:</code> report text
        </li>
      </ul>
    </div>
  );
}

export function StudiesScreen({ dataVersion, visible }: { dataVersion: number; visible: boolean }) {
  const { vault, fail } = useVault();
  const [query, setQuery] = useState('');
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [searching, setSearching] = useState(false);
  const [timeline, setTimeline] = useState<Timeline | null>(null);
  const [opening, setOpening] = useState<{ key: string; failure: Failure | null } | null>(null);
  const searchNumber = useRef(0);
  const searchBox = useRef<HTMLInputElement>(null);
  const firstSearch = useRef(true);

  useEffect(() => {
    const mine = ++searchNumber.current;
    setSearching(true);
    const delay = firstSearch.current ? 0 : DEBOUNCE_MS;
    firstSearch.current = false;
    const timer = setTimeout(async () => {
      try {
        const next = await vault.search(query, { limit: GROUP_LIMIT });
        // A slower answer to an older query must not replace a newer one.
        if (mine !== searchNumber.current) return;
        setAnswer(next);
        setFailure(null);
      } catch (e) {
        if (mine === searchNumber.current) setFailure(fail(e));
      } finally {
        if (mine === searchNumber.current) setSearching(false);
      }
    }, delay);
    return () => clearTimeout(timer);
  }, [vault, fail, query, dataVersion]);

  useEffect(() => {
    // On a touch tablet, focusing would pop the on-screen keyboard over the list.
    if (visible && !timeline && matchMedia('(pointer: fine)').matches) searchBox.current?.focus({ preventScroll: true });
  }, [visible, timeline]);

  async function openPatient(patientKey: string) {
    setOpening({ key: patientKey, failure: null });
    try {
      const found = await vault.patient(patientKey);
      if (!found) {
        setOpening({ key: patientKey, failure: { code: null, message: 'This patient is no longer in the archive.' } });
        return;
      }
      setOpening(null);
      setTimeline(found);
    } catch (e) {
      setOpening({ key: patientKey, failure: fail(e) });
    }
  }

  function closeTimeline() {
    const key = timeline?.patientKey;
    setTimeline(null);
    // Back where the person was: the patient's header in the list.
    requestAnimationFrame(() => {
      const button = key
        ? document.querySelector<HTMLButtonElement>(`.group-button[data-patient-key="${CSS.escape(key)}"]`)
        : null;
      (button ?? searchBox.current)?.focus();
    });
  }

  const groups = answer?.groups ?? [];
  const empty = answer && !answer.error && groups.length === 0;
  const queryError = answer?.error ?? null;

  return (
    <>
      {timeline && <PatientTimeline timeline={timeline} onBack={closeTimeline} />}
      <section className="studies" aria-label="Studies" hidden={timeline !== null}>
        <div className="search-bar">
          <input
            ref={searchBox}
            type="search"
            aria-label="Search"
            className="search-input"
            placeholder="Patient number, name, description, report…  (pn: name: date: mod: …)"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              // Down from the search box goes to the first result.
              if (e.key !== 'ArrowDown') return;
              const first = document.querySelector<HTMLElement>('.results .group-button');
              if (first) {
                e.preventDefault();
                first.focus();
              }
            }}
            autoComplete="off"
            spellCheck={false}
            aria-describedby="search-summary"
            aria-invalid={queryError ? true : undefined}
          />
          {query && (
            <button type="button" className="secondary" onClick={() => setQuery('')}>
              Clear
            </button>
          )}
        </div>
        <QuickFilterBar query={query} onChange={setQuery} />
        {queryError && (
          <p className="query-error" role="alert">
            {queryError}
          </p>
        )}
        <ErrorText failure={failure} />
        {opening?.failure && <ErrorText failure={opening.failure} />}
        <p id="search-summary" className="search-summary muted" aria-live="polite">
          {searching && !answer
            ? 'Searching…'
            : answer && !queryError
              ? `${plural(answer.studyCount, 'study', 'studies')}, ${plural(groups.length, 'patient')}` +
                (groups.length >= GROUP_LIMIT ? ` (the first ${GROUP_LIMIT} patients; narrow the search to see others)` : '')
              : ''}
        </p>
        {groups.length > 0 && <ResultsTable groups={groups} onOpenPatient={(key) => void openPatient(key)} />}
        {empty &&
          (query.trim() === '' ? (
            <div className="empty-state">
              <h2>No studies yet</h2>
              <p>Import DICOM files, a CD or a folder, photos, PDFs or typed reports under Import.</p>
            </div>
          ) : (
            <div className="empty-state">
              <h2>No studies match</h2>
              <SyntaxHint />
            </div>
          ))}
        {queryError && <SyntaxHint />}
      </section>
    </>
  );
}
