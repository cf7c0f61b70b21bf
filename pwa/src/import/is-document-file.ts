// Photos (JPEG, PNG) and PDFs are not DICOM: they go to the metadata form
// (DESIGN.md §8) instead of the DICOM import.

const DOCUMENT_TYPES = new Set(['image/jpeg', 'image/jpg', 'image/pjpeg', 'image/png', 'image/x-png', 'application/pdf']);
const DOCUMENT_EXTENSIONS = /\.(jpe?g|jpe|jfif|png|pdf)$/i;
/** What browsers report when the operating system does not know the type. */
const UNSURE_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/**
 * By MIME type, and by extension only when the type says nothing: a type
 * the browser knows (application/dicom, application/zip) is trusted over a
 * name.
 */
export function isDocumentFile(file: File): boolean {
  const type = file.type.toLowerCase().split(';')[0]!.trim();
  if (DOCUMENT_TYPES.has(type)) return true;
  return UNSURE_TYPES.has(type) && DOCUMENT_EXTENSIONS.test(file.name);
}
