import { useRef, useState } from 'react';
import type { ChangeEvent, DragEvent } from 'react';
import { isDocumentFile, sourcesFromDataTransfer, sourcesFromFileList } from '../../import/index.ts';
import { proxy } from '../../vault/index.ts';
import type { ImportPlan, ImportProgress, ImportSource, ImportSummary, Session } from '../../vault/vault-api.ts';
import { ErrorText } from '../common/controls.tsx';
import type { Failure } from '../errors.ts';
import { plural } from '../format.ts';
import { useMarkActive } from '../idle-lock.ts';
import { useVault } from '../vault-context.tsx';
import { DocumentForm } from './document-form.tsx';
import { FailureList } from './failure-list.tsx';
import { ImportProgressBar } from './import-progress.tsx';
import { PlanReview } from './plan-review.tsx';

type Stage =
  | { name: 'choose' }
  | { name: 'reading'; progress: ImportProgress | null }
  | { name: 'review'; plan: ImportPlan }
  | { name: 'saving'; progress: ImportProgress | null }
  | { name: 'done'; summary: ImportSummary }
  | { name: 'document'; files: ImportSource[] };

/** `webkitdirectory` is not in React's types; every browser Kura supports knows it. */
const FOLDER_PICKER = { webkitdirectory: '' } as Record<string, string>;

export function ImportScreen({
  session,
  onImported,
  onShowStudies,
}: {
  session: Session;
  onImported(): void;
  onShowStudies(): void;
}) {
  const { vault, fail } = useVault();
  const markActive = useMarkActive();
  const [stage, setStage] = useState<Stage>({ name: 'choose' });
  const [failure, setFailure] = useState<Failure | null>(null);
  // Photos and PDFs found among DICOM files wait for the metadata form.
  const [setAside, setSetAside] = useState<ImportSource[]>([]);
  const [dragging, setDragging] = useState(false);
  const dragDepth = useRef(0);

  if (session.role === 'viewer') {
    return (
      <section className="panel">
        <h2>Import</h2>
        <p>Your role (viewer) can search and view studies, not import them.</p>
      </section>
    );
  }

  /** Progress reaches the UI at most once per frame, however often the worker reports. */
  function progressReporter(phase: 'reading' | 'saving') {
    let pending: ImportProgress | null = null;
    let scheduled = false;
    return proxy((p: ImportProgress) => {
      pending = p;
      markActive();
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        const latest = pending;
        setStage((s) => (s.name === phase ? { name: phase, progress: latest } : s));
      });
    });
  }

  async function start(sources: ImportSource[]) {
    setFailure(null);
    const documents = sources.filter((s) => isDocumentFile(s.file));
    const rest = sources.filter((s) => !isDocumentFile(s.file));
    setSetAside(documents);
    if (rest.length === 0) {
      if (documents.length > 0) setStage({ name: 'document', files: documents });
      return;
    }
    setStage({ name: 'reading', progress: null });
    try {
      const plan = await vault.planImport(rest, progressReporter('reading'));
      setStage({ name: 'review', plan });
    } catch (e) {
      setFailure(fail(e));
      setStage({ name: 'choose' });
    }
  }

  async function commit(plan: ImportPlan, patientNumbers: Record<string, string>) {
    setFailure(null);
    setStage({ name: 'saving', progress: null });
    try {
      const summary = await vault.commitImport(plan.planId, patientNumbers, progressReporter('saving'));
      setStage({ name: 'done', summary });
      onImported();
    } catch (e) {
      setFailure(fail(e));
      // The plan stays valid: the person may free space and save again, which saves the rest.
      setStage({ name: 'review', plan });
    }
  }

  function pick(event: ChangeEvent<HTMLInputElement>) {
    // Read the list before clearing the input (clearing lets the same folder be picked again).
    const sources = event.target.files ? sourcesFromFileList(event.target.files) : [];
    event.target.value = '';
    if (sources.length > 0) void start(sources);
  }

  function drop(event: DragEvent) {
    event.preventDefault();
    dragDepth.current = 0;
    setDragging(false);
    if (stage.name !== 'choose' && stage.name !== 'done') return;
    // Called before any await: the browser empties dataTransfer once this handler returns.
    const reading = sourcesFromDataTransfer(event.dataTransfer);
    reading.then(
      (sources) => {
        if (sources.length > 0) void start(sources);
        else setFailure({ code: null, message: 'Nothing to import was found in what was dropped.' });
      },
      (e: unknown) => setFailure(fail(e)),
    );
  }

  const busy = stage.name === 'reading' || stage.name === 'saving';

  return (
    <div className="import">
      {(stage.name === 'choose' || stage.name === 'done') && (
        <section
          className={dragging ? 'drop-zone dragging' : 'drop-zone'}
          aria-labelledby="import-title"
          onDragEnter={(e) => {
            e.preventDefault();
            dragDepth.current += 1;
            setDragging(true);
          }}
          onDragOver={(e) => {
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
          }}
          onDragLeave={() => {
            dragDepth.current = Math.max(0, dragDepth.current - 1);
            if (dragDepth.current === 0) setDragging(false);
          }}
          onDrop={drop}
        >
          <h2 id="import-title">Import</h2>
          <p className="muted">
            Drop DICOM files, a folder or a patient CD (with its DICOMDIR), ZIP archives, photos or PDFs here, or choose
            them:
          </p>
          <div className="import-buttons">
            <label className="file-button">
              <input type="file" className="visually-hidden" multiple onChange={pick} />
              Import files
            </label>
            <label className="file-button">
              <input type="file" className="visually-hidden" {...FOLDER_PICKER} onChange={pick} />
              Import folder
            </label>
            <button type="button" className="secondary" onClick={() => setStage({ name: 'document', files: [] })}>
              Add photo or document
            </button>
          </div>
          <p className="muted small-print">
            Files are read and encrypted on this device; the server only ever receives ciphertext.
          </p>
        </section>
      )}
      <ErrorText failure={failure} />
      {stage.name === 'reading' && (
        <section className="panel" aria-labelledby="reading-title">
          <h2 id="reading-title">Reading and encrypting files</h2>
          <ImportProgressBar phase="reading" progress={stage.progress} />
        </section>
      )}
      {stage.name === 'review' && (
        <PlanReview
          plan={stage.plan}
          onImport={(numbers) => void commit(stage.plan, numbers)}
          onCancel={() => {
            // The files were encrypted and stored as they were read: dropped now, not at the next unlock.
            void vault.cancelImport(stage.plan.planId).catch(() => undefined);
            setStage({ name: 'choose' });
          }}
        />
      )}
      {stage.name === 'saving' && (
        <section className="panel" aria-labelledby="saving-title">
          <h2 id="saving-title">Importing</h2>
          <ImportProgressBar phase="saving" progress={stage.progress} />
          <p className="muted">You can keep working in Studies meanwhile; this device stays unlocked until it ends.</p>
        </section>
      )}
      {stage.name === 'done' && (
        <section className="panel import-summary" aria-labelledby="summary-title">
          <h2 id="summary-title">Import finished</h2>
          <p className="summary-counts">
            {stage.summary.imported.toLocaleString('en')} imported, {stage.summary.skipped.toLocaleString('en')} skipped,{' '}
            {stage.summary.failed.length.toLocaleString('en')} failed
          </p>
          {stage.summary.studies > 0 && (
            <p className="muted">
              {plural(stage.summary.studies, 'study', 'studies')}
              {stage.summary.megabytesPerSecond > 0 && ` · ${stage.summary.megabytesPerSecond.toFixed(1)} MB/s`}
            </p>
          )}
          <FailureList failures={stage.summary.failed} />
          <div className="form-actions">
            <button type="button" onClick={onShowStudies}>
              Show studies
            </button>
          </div>
        </section>
      )}
      {stage.name === 'document' && (
        <DocumentForm
          key={stage.files.map((f) => f.path).join('\n')}
          initialFiles={stage.files}
          onCancel={() => setStage({ name: 'choose' })}
          onSaved={(summary) => {
            setSetAside((rest) => rest.filter((s) => !stage.files.includes(s)));
            setStage({ name: 'done', summary });
            onImported();
          }}
        />
      )}
      {setAside.length > 0 && !busy && stage.name !== 'document' && (
        <div className="notice set-aside">
          <span>
            {plural(setAside.length, 'photo or document', 'photos or documents')}{' '}
            {setAside.length === 1 ? 'needs' : 'need'} patient details before saving.
          </span>
          <button type="button" className="secondary" onClick={() => setStage({ name: 'document', files: setAside })}>
            Add with details
          </button>
        </div>
      )}
    </div>
  );
}
