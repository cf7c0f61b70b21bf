import { useState } from 'react';
import type { StudyDetails as Details, SeriesDetails } from '../../vault/vault-api.ts';
import { ErrorText } from '../common/controls.tsx';
import type { Failure } from '../errors.ts';
import { formatBytes, plural } from '../format.ts';
import { useVault } from '../vault-context.tsx';

/** Images, and frames too when multi-frame instances (cine, echo loops) hold more. */
function countImages(series: SeriesDetails): string {
  const images = series.instances.length;
  const frames = series.instances.reduce((n, x) => n + (x.frames ?? 1), 0);
  return frames > images ? `${images} (${plural(frames, 'frame')})` : String(images);
}

/** (0010,0010) as DICOM writes it: component groups joined by '=', empty trailing groups dropped. */
function dicomPersonName(name: Details['entry']['patientName']): string {
  const groups = [name.alphabetic, name.ideographic, name.phonetic];
  while (groups.length > 1 && groups.at(-1) === '') groups.pop();
  return groups.join('=');
}

/**
 * The identifiers a PACS or a support call asks for: the values as stored,
 * unformatted, so they can be compared and copied exactly.
 */
function Identifiers({ details }: { details: Details }) {
  const instances = details.series.flatMap((s) => s.instances.map((i) => ({ series: s, instance: i })));
  return (
    <details className="study-identifiers">
      <summary>DICOM identifiers</summary>
      <dl className="identifier-list">
        <div>
          <dt>Patient ID</dt>
          <dd>{details.entry.patientNumber}</dd>
        </div>
        <div>
          <dt>Patient's name</dt>
          <dd>{dicomPersonName(details.entry.patientName)}</dd>
        </div>
        <div>
          <dt>Study date</dt>
          <dd>{details.entry.studyDate || '—'}</dd>
        </div>
        <div>
          <dt>Study Instance UID</dt>
          <dd>{details.studyInstanceUid ?? '—'}</dd>
        </div>
      </dl>
      {instances.length > 0 && (
        <div className="table-scroll">
          <table className="simple-table identifier-table">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Modality</th>
                <th scope="col">Series Instance UID</th>
                <th scope="col">SOP Instance UID</th>
                <th scope="col">Transfer syntax</th>
              </tr>
            </thead>
            <tbody>
              {instances.map(({ series, instance }) => (
                <tr key={instance.sopInstanceUid} data-file={instance.fileName}>
                  <td>{instance.fileName}</td>
                  <td>{series.modality ?? ''}</td>
                  <td>{series.seriesInstanceUid ?? '—'}</td>
                  <td>{instance.sopInstanceUid}</td>
                  <td>{instance.transferSyntaxUid}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}

/**
 * A study's series, images and documents, fetched only when asked for: the
 * timeline itself needs no more than the search index holds. The way into
 * the viewer is the study's one "View images" button on its timeline card.
 */
export function StudyDetails({ studyId }: { studyId: string }) {
  const { vault, fail } = useVault();
  const [details, setDetails] = useState<Details | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [loading, setLoading] = useState(false);

  async function load(open: boolean) {
    if (!open || details || loading) return;
    setLoading(true);
    setFailure(null);
    try {
      const answer = await vault.study(studyId);
      if (answer) setDetails(answer);
      else setFailure({ code: null, message: 'This study is no longer in the archive.' });
    } catch (e) {
      setFailure(fail(e));
    } finally {
      setLoading(false);
    }
  }

  return (
    <details className="study-details" onToggle={(e) => void load(e.currentTarget.open)}>
      <summary>Series and documents</summary>
      {loading && <p className="muted">Opening…</p>}
      <ErrorText failure={failure} />
      {details && (
        <div className="study-details-body">
          {details.series.length > 0 && (
            <table className="simple-table">
              <thead>
                <tr>
                  <th scope="col" className="numeric">
                    Series
                  </th>
                  <th scope="col">Modality</th>
                  <th scope="col">Description</th>
                  <th scope="col" className="numeric">
                    Images
                  </th>
                  <th scope="col" className="numeric">
                    Size
                  </th>
                </tr>
              </thead>
              <tbody>
                {details.series.map((s, i) => (
                  <tr key={s.seriesInstanceUid ?? i}>
                    <td className="numeric">{s.seriesNumber ?? '—'}</td>
                    <td>{s.modality ?? ''}</td>
                    <td>{s.description ?? ''}</td>
                    <td className="numeric">{countImages(s)}</td>
                    <td className="numeric">{formatBytes(s.instances.reduce((n, x) => n + x.bytes, 0))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {details.documents.length > 0 && (
            <ul className="document-list">
              {details.documents.map((d) => (
                <li key={d.documentId}>
                  <div>
                    <strong>{d.type}</strong>
                    {d.managementNumber && <span className="muted"> · No. {d.managementNumber}</span>}
                  </div>
                  {d.files.length > 0 && (
                    <div className="muted">
                      {d.files.map((f) => `${f.name} (${formatBytes(f.bytes)})`).join(', ')}
                    </div>
                  )}
                  {d.text && <p className="document-text">{d.text}</p>}
                </li>
              ))}
            </ul>
          )}
          {details.series.length === 0 && details.documents.length === 0 && <p className="muted">Nothing stored yet.</p>}
          {details.series.length > 0 && <Identifiers details={details} />}
        </div>
      )}
    </details>
  );
}
