import { useId, useRef, useState } from 'react';
import type { ChangeEvent, FormEvent } from 'react';
import { isDocumentFile, sourcesFromFileList } from '../../import/index.ts';
import type { DocumentForm as DocumentFields, ImportSource, ImportSummary } from '../../vault/vault-api.ts';
import { BusyButton, ErrorText, Field } from '../common/controls.tsx';
import { dicomDateFromInput, formatBytes } from '../format.ts';
import { useAction, useVault } from '../vault-context.tsx';

/** DICOM modalities for pictures, and the document types clinics file. */
const TYPES = [
  { value: 'XC', label: 'XC — photograph' },
  { value: 'ES', label: 'ES — endoscopy' },
  { value: 'OT', label: 'OT — other image' },
  { value: 'DOC', label: 'DOC — scanned document' },
  { value: 'report', label: 'report' },
  { value: 'chart', label: 'chart' },
  { value: 'referral', label: 'referral' },
];

function defaultType(files: ImportSource[]): string {
  if (files.length === 0) return 'report';
  return files.every((f) => f.file.type.startsWith('image/')) ? 'XC' : 'DOC';
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * Photos, scans, PDFs and typed reports carry no tags, so the person
 * supplies what DICOM files would: whose, when, what.
 */
export function DocumentForm({
  initialFiles,
  onSaved,
  onCancel,
}: {
  initialFiles: ImportSource[];
  onSaved(summary: ImportSummary): void;
  onCancel(): void;
}) {
  const { vault } = useVault();
  const id = useId();
  const [files, setFiles] = useState<ImportSource[]>(initialFiles);
  const [rejected, setRejected] = useState<string[]>([]);
  const [fields, setFields] = useState({
    patientNumber: '',
    patientName: '',
    patientSex: '',
    patientBirthDate: '',
    studyDate: today(),
    modalityOrType: defaultType(initialFiles),
    bodyPart: '',
    method: '',
    description: '',
    managementNumber: '',
    text: '',
  });
  const [errors, setErrors] = useState<{ patientNumber?: string; content?: string }>({});
  const patientNumberRef = useRef<HTMLInputElement>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const save = useAction((form: DocumentFields, sources: ImportSource[]) => vault.importDocument(form, sources));

  const set = (name: keyof typeof fields) => (e: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
    setFields((f) => ({ ...f, [name]: e.target.value }));

  function attach(event: ChangeEvent<HTMLInputElement>) {
    const picked = event.target.files ? sourcesFromFileList(event.target.files) : [];
    event.target.value = '';
    const accepted = picked.filter((s) => isDocumentFile(s.file));
    setRejected(picked.filter((s) => !isDocumentFile(s.file)).map((s) => s.path));
    setFiles((current) => [...current, ...accepted]);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: typeof errors = {};
    if (!fields.patientNumber.trim()) found.patientNumber = 'Type the patient number.';
    if (files.length === 0 && !fields.text.trim()) found.content = 'Attach a photo or document, or type a report.';
    setErrors(found);
    if (found.patientNumber) return patientNumberRef.current?.focus();
    if (found.content) return textRef.current?.focus();
    const summary = await save.run(
      {
        ...fields,
        patientNumber: fields.patientNumber.trim(),
        patientBirthDate: dicomDateFromInput(fields.patientBirthDate),
        studyDate: dicomDateFromInput(fields.studyDate),
      },
      files,
    );
    if (summary) onSaved(summary);
  }

  return (
    <form className="panel document-form" aria-labelledby={`${id}-title`} onSubmit={submit} noValidate>
      <h2 id={`${id}-title`}>Add photo or document</h2>
      <div className="attachments">
        {files.length > 0 ? (
          <ul className="attachment-list" aria-label="Files to add">
            {files.map((f, i) => (
              <li key={`${f.path}-${i}`}>
                <span className="attachment-name">{f.path}</span>
                <span className="muted">{formatBytes(f.file.size)}</span>
                <button
                  type="button"
                  className="secondary small"
                  aria-label={`Remove ${f.path}`}
                  onClick={() => setFiles((all) => all.filter((_, j) => j !== i))}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No file: the typed report below is saved on its own.</p>
        )}
        <label className="file-button secondary">
          <input
            type="file"
            className="visually-hidden"
            multiple
            accept="image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"
            onChange={attach}
          />
          Attach files
        </label>
        {rejected.length > 0 && (
          <ErrorText failure={`Not a photo or PDF, left out: ${rejected.join(', ')}. DICOM files go through Import files.`} />
        )}
      </div>
      <fieldset className="form-grid">
        <legend>Patient</legend>
        <Field
          label="Patient number"
          required
          inputRef={patientNumberRef}
          value={fields.patientNumber}
          onChange={set('patientNumber')}
          autoComplete="off"
          error={errors.patientNumber}
        />
        <Field label="Patient name" value={fields.patientName} onChange={set('patientName')} autoComplete="off" />
        <div className="field">
          <label htmlFor={`${id}-sex`}>Sex</label>
          <select id={`${id}-sex`} value={fields.patientSex} onChange={set('patientSex')}>
            <option value="">Not given</option>
            <option value="F">Female</option>
            <option value="M">Male</option>
            <option value="O">Other</option>
          </select>
        </div>
        <Field label="Birth date" type="date" value={fields.patientBirthDate} onChange={set('patientBirthDate')} />
      </fieldset>
      <fieldset className="form-grid">
        <legend>Study</legend>
        <Field label="Study date" type="date" value={fields.studyDate} onChange={set('studyDate')} />
        <Field
          label="Modality or document type"
          list={`${id}-types`}
          value={fields.modalityOrType}
          onChange={set('modalityOrType')}
          autoComplete="off"
        />
        <datalist id={`${id}-types`}>
          {TYPES.map((t) => (
            <option key={t.value} value={t.value} label={t.label} />
          ))}
        </datalist>
        <Field label="Body part" value={fields.bodyPart} onChange={set('bodyPart')} autoComplete="off" />
        <Field label="Method" value={fields.method} onChange={set('method')} autoComplete="off" />
        <Field label="Description" value={fields.description} onChange={set('description')} autoComplete="off" />
        <Field label="Management number" value={fields.managementNumber} onChange={set('managementNumber')} autoComplete="off" />
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-text`}>Report or chart note</label>
        <textarea
          id={`${id}-text`}
          ref={textRef}
          rows={6}
          value={fields.text}
          onChange={set('text')}
          aria-invalid={errors.content ? true : undefined}
          aria-describedby={errors.content ? `${id}-content-error` : undefined}
        />
        {errors.content && (
          <div className="field-error" id={`${id}-content-error`}>
            {errors.content}
          </div>
        )}
      </div>
      <ErrorText failure={save.error} />
      <div className="form-actions">
        <button type="button" className="secondary" onClick={onCancel} disabled={save.busy}>
          Cancel
        </button>
        <BusyButton busy={save.busy} busyLabel="Saving…">
          Save
        </BusyButton>
      </div>
    </form>
  );
}
