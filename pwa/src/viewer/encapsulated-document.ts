// Encapsulated documents (PS3.3 §A.45, §C.24.2): a PDF, CDA, STL… carried
// whole in Encapsulated Document (0042,0011). The viewer shows the PDF ones
// inline; this module only finds the bytes and their type. Pure: no DOM.
import { createValueReader, parseDicomFile, readSpecificCharacterSet } from '../dicom/index.ts';

/** Encapsulated PDF Storage. */
export const ENCAPSULATED_PDF_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.104.1';
/** Every encapsulated document storage class (PDF, CDA, STL, OBJ, MTL) shares this root. */
const ENCAPSULATED_DOCUMENT_ROOT = '1.2.840.10008.5.1.4.1.1.104.';

const ENCAPSULATED_DOCUMENT = 'x00420011';
const MIME_TYPE = 'x00420012';
const DOCUMENT_TITLE = 'x00420010';
const ENCAPSULATED_DOCUMENT_LENGTH = 'x00420015';

export interface EncapsulatedDocument {
  /** The document's own bytes (a copy: the file it came from can be dropped). */
  bytes: Uint8Array;
  /** (0042,0012), e.g. 'application/pdf'; guessed from the bytes when absent. */
  mediaType: string;
  /** (0042,0010) Document Title, '' when absent. */
  title: string;
}

export function isEncapsulatedDocument(sopClassUid: string | null): boolean {
  return sopClassUid !== null && sopClassUid.startsWith(ENCAPSULATED_DOCUMENT_ROOT);
}

/**
 * The document inside an encapsulated document instance. The value is padded
 * to an even length (PS3.5 §7.1.1); Encapsulated Document Length (0042,0015),
 * when present, says where the document itself ends, and a PDF's trailing pad
 * byte is dropped without it (readers accept it, but a download should be the
 * document as it was encapsulated).
 */
export async function readEncapsulatedDocument(bytes: Uint8Array, fileName: string): Promise<EncapsulatedDocument> {
  const file = await parseDicomFile(bytes, fileName);
  const element = file.dataSet.elements[ENCAPSULATED_DOCUMENT];
  if (!element || element.length === 0 || element.hadUndefinedLength) {
    throw new Error(`${fileName} holds no Encapsulated Document (0042,0011)`);
  }
  const read = createValueReader(file.dataSet, readSpecificCharacterSet(file.dataSet), []);
  const data = file.dataSet.byteArray;
  const start = element.dataOffset;
  let end = Math.min(start + element.length, data.length);
  const declared = read.uint32(ENCAPSULATED_DOCUMENT_LENGTH);
  if (declared !== null && declared > 0 && declared <= end - start) end = start + declared;
  const declaredType = (read.string(MIME_TYPE, 'LO') ?? '').toLowerCase();
  const sniffed = sniffMediaType(data.subarray(start, end));
  const mediaType = declaredType || sniffed || 'application/octet-stream';
  if (declared === null && mediaType === 'application/pdf' && end > start && data[end - 1] === 0) end -= 1;
  return { bytes: data.slice(start, end), mediaType, title: read.string(DOCUMENT_TITLE, 'ST') ?? '' };
}

/** PDF, JPEG and PNG by their magic numbers; null for anything else. */
export function sniffMediaType(bytes: Uint8Array): string | null {
  const starts = (...magic: number[]) => magic.every((b, i) => bytes[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf'; // %PDF-
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  return null;
}
