import { useEffect, useRef } from 'react';
import type { PatientTimeline as Timeline } from '../../vault/vault-api.ts';
import { formatDicomDate, formatPersonName, formatSex, plural } from '../format.ts';
import { useOpenViewer } from '../viewer/open-viewer.tsx';
import { StudyDetails } from './study-details.tsx';

/**
 * Modalities with nothing to draw: encapsulated and scanned documents,
 * structured reports, key object selections, presentation states. A study of
 * these alone (and the typed reports the document form files as DOC) is
 * opened to read, not to look at images. OT is left to images: most OT
 * studies are secondary captures, though some writers file PDFs under it;
 * the viewer opens on the documents of a study that has no images either way.
 */
const DOCUMENT_MODALITIES = new Set(['DOC', 'SR', 'KO', 'PR']);

function viewLabel(study: { modalities: string[] }): string {
  // No modality at all says nothing (some image files leave it out): images, as before.
  const documentsOnly = study.modalities.length > 0 && study.modalities.every((m) => DOCUMENT_MODALITIES.has(m));
  return documentsOnly ? 'View documents' : 'View images';
}

/** Every study and document of one patient, newest first. */
export function PatientTimeline({ timeline, onBack }: { timeline: Timeline; onBack(): void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const openViewer = useOpenViewer();
  useEffect(() => heading.current?.focus(), [timeline.patientKey]);
  const first = timeline.studies[0];
  const name = first ? formatPersonName(first.patientName) : { primary: '', secondary: '' };
  const sex = first ? formatSex(first.patientSex) : '';
  const born = first?.patientBirthDate ? formatDicomDate(first.patientBirthDate) : '';

  return (
    <section
      className="timeline"
      aria-labelledby="timeline-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onBack();
      }}
    >
      <div className="timeline-head">
        <button type="button" className="secondary" onClick={onBack}>
          ← Back to results
        </button>
        <div>
          <h2 id="timeline-title" tabIndex={-1} ref={heading}>
            <span className="group-number">{timeline.patientNumber}</span> {name.primary || 'Unnamed patient'}
          </h2>
          <p className="muted">
            {[name.secondary, sex, born && `born ${born}`, plural(timeline.studies.length, 'study', 'studies')]
              .filter(Boolean)
              .join(' · ')}
          </p>
        </div>
      </div>
      <ol className="timeline-list">
        {timeline.studies.map((study) => (
          <li key={study.studyId} className="timeline-item">
            <div className="timeline-date">{formatDicomDate(study.studyDate) || 'No date'}</div>
            <div className="timeline-card">
              <div className="timeline-title">
                {study.modalities.length > 0 && <span className="modality-badge">{study.modalities.join(', ')}</span>}
                <strong>{study.description || study.bodyPart || 'No description'}</strong>
                {openViewer && (
                  <button
                    type="button"
                    className="view-images-button"
                    aria-label={`${viewLabel(study)}: ${study.description || study.bodyPart || 'study'} ${formatDicomDate(study.studyDate)}`.trim()}
                    onClick={() => openViewer(study.studyId)}
                  >
                    {viewLabel(study)}
                  </button>
                )}
              </div>
              <dl className="timeline-facts">
                {study.bodyPart && (
                  <div>
                    <dt>Body part</dt>
                    <dd>{study.bodyPart}</dd>
                  </div>
                )}
                {study.facility && (
                  <div>
                    <dt>Facility</dt>
                    <dd>{study.facility}</dd>
                  </div>
                )}
                {study.accessionNumber && (
                  <div>
                    <dt>Accession</dt>
                    <dd>{study.accessionNumber}</dd>
                  </div>
                )}
                {study.documentNumbers.length > 0 && (
                  <div>
                    <dt>Documents</dt>
                    <dd>{study.documentNumbers.join(', ')}</dd>
                  </div>
                )}
              </dl>
              {study.reportText && (
                <details className="timeline-report">
                  <summary>Report</summary>
                  <p>{study.reportText}</p>
                </details>
              )}
              <StudyDetails studyId={study.studyId} />
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
