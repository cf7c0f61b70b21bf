import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { ImportPlan } from '../../vault/vault-api.ts';
import { formatBytes, formatDicomDate, plural } from '../format.ts';
import { FailureList } from './failure-list.tsx';

/**
 * What the reading phase found, before anything is stored: the person checks
 * it and types the patient number where the files carry none.
 */
export function PlanReview({
  plan,
  onImport,
  onCancel,
}: {
  plan: ImportPlan;
  onImport(patientNumbers: Record<string, string>): void;
  onCancel(): void;
}) {
  const [numbers, setNumbers] = useState<Record<string, string>>({});
  const [missing, setMissing] = useState<Set<string>>(new Set());
  const table = useRef<HTMLTableElement>(null);
  const needNumber = plan.studies.filter((s) => !s.patientNumber);
  const instances = plan.studies.reduce((n, s) => n + s.instanceCount, 0);
  const bytes = plan.studies.reduce((n, s) => n + s.bytes, 0);

  function submit(event: FormEvent) {
    event.preventDefault();
    const empty = new Set(needNumber.filter((s) => !numbers[s.key]?.trim()).map((s) => s.key));
    setMissing(empty);
    if (empty.size > 0) {
      table.current?.querySelector<HTMLInputElement>('input[aria-invalid="true"]')?.focus();
      return;
    }
    const filled: Record<string, string> = {};
    for (const s of needNumber) filled[s.key] = numbers[s.key]!.trim();
    onImport(filled);
  }

  if (plan.studies.length === 0) {
    return (
      <section className="panel" aria-labelledby="plan-title">
        <h2 id="plan-title">Nothing new to import</h2>
        <p>
          {plan.duplicates > 0
            ? `All ${plural(plan.duplicates, 'image')} found are already in the archive.`
            : 'No DICOM images were found in what you chose.'}
        </p>
        <FailureList failures={plan.failed} />
        <div className="form-actions">
          <button type="button" onClick={onCancel}>
            Choose other files
          </button>
        </div>
      </section>
    );
  }

  return (
    <form className="panel" aria-labelledby="plan-title" onSubmit={submit} noValidate>
      <h2 id="plan-title">Check before importing</h2>
      <p className="plan-summary">
        {plural(plan.studies.length, 'study', 'studies')}, {plural(instances, 'image')}, {formatBytes(bytes)}
        {plan.duplicates > 0 && <> · {plural(plan.duplicates, 'duplicate')} will be skipped</>}
      </p>
      {needNumber.length > 0 && (
        <p className="notice">
          {needNumber.length === 1
            ? 'One study has no patient number in its files.'
            : `${needNumber.length} studies have no patient number in their files.`}{' '}
          Type the number your clinic uses for the patient before importing.
        </p>
      )}
      <div className="table-scroll">
        <table className="plan-table" ref={table}>
          <thead>
            <tr>
              <th scope="col">Patient number</th>
              <th scope="col">Name</th>
              <th scope="col">Study date</th>
              <th scope="col">Modality</th>
              <th scope="col">Description</th>
              <th scope="col" className="numeric">
                Series / images
              </th>
            </tr>
          </thead>
          <tbody>
            {plan.studies.map((study) => (
              <tr key={study.key}>
                <td>
                  {study.patientNumber ?? (
                    <>
                      <input
                        className="patient-number-input"
                        aria-label={`Patient number for ${study.patientName || 'unnamed patient'}, ${formatDicomDate(study.studyDate) || 'no date'}`}
                        required
                        aria-invalid={missing.has(study.key) || undefined}
                        value={numbers[study.key] ?? ''}
                        onChange={(e) => setNumbers((n) => ({ ...n, [study.key]: e.target.value }))}
                        autoComplete="off"
                      />
                      {missing.has(study.key) && <div className="field-error">Required</div>}
                    </>
                  )}
                </td>
                <td>{study.patientName.replaceAll('^', ' ').trim() || '—'}</td>
                <td>{formatDicomDate(study.studyDate) || '—'}</td>
                <td>{study.modalities.join(', ')}</td>
                <td>{study.description}</td>
                <td className="numeric">
                  {study.seriesCount} / {study.instanceCount}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <FailureList failures={plan.failed} />
      <div className="form-actions">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit">Import</button>
      </div>
    </form>
  );
}
