import type { KeyboardEvent } from 'react';
import type { PatientGroup, StudyEntry } from '../../vault/search/index.ts';
import { formatDicomDate, formatPersonName, plural } from '../format.ts';

function PatientName({ name }: { name: StudyEntry['patientName'] }) {
  const { primary, secondary } = formatPersonName(name);
  return (
    <>
      <span className="name-primary">{primary || '—'}</span>
      {secondary && <span className="name-secondary">{secondary}</span>}
    </>
  );
}

/** Enter or Space on a focused row acts like a click, as on a button. */
function activateOnKey(event: KeyboardEvent, action: () => void) {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    action();
  }
}

/** Up and down arrows walk the patient headers and study rows, as in a list. */
function moveFocus(event: KeyboardEvent<HTMLTableElement>) {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  const stops = Array.from(event.currentTarget.querySelectorAll<HTMLElement>('.group-button, .study-row'));
  const at = stops.indexOf(document.activeElement as HTMLElement);
  if (at < 0) return;
  const next = stops[at + (event.key === 'ArrowDown' ? 1 : -1)];
  if (!next) return;
  event.preventDefault();
  next.focus();
}

/**
 * Results grouped by patient, newest study first. A real <table> (one
 * <tbody> per patient), so screen readers announce rows and columns.
 */
export function ResultsTable({
  groups,
  onOpenPatient,
}: {
  groups: PatientGroup[];
  onOpenPatient(patientKey: string): void;
}) {
  return (
    <table className="results" onKeyDown={moveFocus}>
      <thead>
        <tr>
          <th scope="col" className="col-number">
            Patient number
          </th>
          <th scope="col" className="col-name">
            Name
          </th>
          <th scope="col" className="col-date">
            Study date
          </th>
          <th scope="col" className="col-modality">
            Modality
          </th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      {groups.map((group) => (
        <tbody key={group.patientKey} className="patient-group">
          <tr className="group-row">
            <th colSpan={5} scope="rowgroup">
              <button
                type="button"
                className="group-button"
                data-patient-key={group.patientKey}
                onClick={() => onOpenPatient(group.patientKey)}
              >
                <span className="group-number">{group.patientNumber}</span>
                <span className="group-name">
                  <PatientName name={group.patientName} />
                </span>
                <span className="group-count">{plural(group.studies.length, 'study', 'studies')}</span>
              </button>
            </th>
          </tr>
          {group.studies.map((study) => (
            <tr
              key={study.studyId}
              className="study-row"
              tabIndex={0}
              onClick={() => onOpenPatient(study.patientKey)}
              onKeyDown={(e) => activateOnKey(e, () => onOpenPatient(study.patientKey))}
            >
              <td className="col-number">{study.patientNumber}</td>
              <td className="col-name">
                <PatientName name={study.patientName} />
              </td>
              <td className="col-date">{formatDicomDate(study.studyDate) || '—'}</td>
              <td className="col-modality">{study.modalities.join(', ')}</td>
              <td className="col-description">{study.description || study.bodyPart}</td>
            </tr>
          ))}
        </tbody>
      ))}
    </table>
  );
}
