// What a study holds besides images, as the viewer's strip lists it: DICOM
// encapsulated documents and structured reports, the files attached with
// the document form, and typed reports or chart notes. Pure: the study's
// listing in, a list out; the bytes are read only when one is opened.
import type { StudyDetails } from '../vault/vault-api.ts';
import { ENCAPSULATED_PDF_SOP_CLASS_UID, isEncapsulatedDocument } from './encapsulated-document.ts';
import { isStructuredReport } from './structured-report.ts';

export type DocumentSource =
  /** A DICOM instance: an encapsulated document (PDF, CDA…) or a structured report. */
  | { kind: 'encapsulated' | 'report'; sopInstanceUid: string; fileName: string }
  /** A file attached to a document: a photo, scan or PDF. */
  | { kind: 'file'; documentId: string; fileIndex: number; fileName: string; mediaType: string }
  /** A typed report or chart note: the document's text. */
  | { kind: 'text'; documentId: string; text: string };

export interface DocumentItem {
  /** Unique within the study. */
  key: string;
  /** What it is, short enough for the strip: PDF, Photo, SR, Report… */
  label: string;
  /** What it is called: a series description, a file name, a document type and number. */
  title: string;
  source: DocumentSource;
}

export function documentItems(details: Pick<StudyDetails, 'series' | 'documents'>): DocumentItem[] {
  const items: DocumentItem[] = [];
  for (const series of details.series) {
    for (const instance of series.instances) {
      const { sopClassUid, sopInstanceUid, fileName } = instance;
      const report = isStructuredReport(sopClassUid);
      if (!report && !isEncapsulatedDocument(sopClassUid)) continue;
      items.push({
        key: `instance:${sopInstanceUid}`,
        label: report ? 'SR' : sopClassUid === ENCAPSULATED_PDF_SOP_CLASS_UID ? 'PDF' : 'Document',
        title: series.description || (report ? 'Structured report' : 'Encapsulated document'),
        source: { kind: report ? 'report' : 'encapsulated', sopInstanceUid, fileName },
      });
    }
  }
  for (const document of details.documents) {
    const named = [capitalise(document.type), document.managementNumber].filter(Boolean).join(' ');
    document.files.forEach((file, fileIndex) => {
      const pdf = file.mediaType === 'application/pdf';
      items.push({
        key: `file:${document.documentId}:${fileIndex}`,
        label: pdf ? 'PDF' : file.mediaType.startsWith('image/') ? 'Photo' : 'File',
        title: named ? `${named}: ${file.name}` : file.name,
        source: { kind: 'file', documentId: document.documentId, fileIndex, fileName: file.name, mediaType: file.mediaType },
      });
    });
    if (document.text.trim()) {
      items.push({
        key: `text:${document.documentId}`,
        label: capitalise(document.type) || 'Report',
        title: named || 'Report',
        source: { kind: 'text', documentId: document.documentId, text: document.text },
      });
    }
  }
  return items;
}

function capitalise(text: string): string {
  const trimmed = text.trim();
  // DICOM modalities (DOC, XC) stay as they are; document types read as words.
  return /^[A-Z]{2,4}$/.test(trimmed) ? trimmed : trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
}
