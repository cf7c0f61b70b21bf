// pwa/src/dicom/: reading DICOM for the import (DESIGN.md §7, §8). Pure: bytes
// in, values out; no DOM and no Node APIs, so it runs in the dicom worker.

export { readDicomTags, readDicomTagsFrom, MEDIA_STORAGE_DIRECTORY_SOP_CLASS_UID, TAG_PREFIX_BYTES } from './read-dicom-tags.ts';
export type { DicomTags, DicomByteSource } from './read-dicom-tags.ts';
export { readDicomDir } from './read-dicomdir.ts';
export type { DicomDirEntry, DicomDirPatient, DicomDirStudy, DicomDirSeries } from './read-dicomdir.ts';
export { DicomReadError } from './dicom-read-error.ts';
export type { DicomReadErrorReason } from './dicom-read-error.ts';
export { parsePersonName, formatPersonNameValue } from './parse-person-name.ts';
export type { PersonName } from './parse-person-name.ts';
// The parsed data set and typed, character-set-aware reads of its values, for
// readers of a whole file beyond the import's tags (the viewer's structured
// reports and encapsulated documents): one decoding of text, not two.
export { inflateDataSet, parseDicomFile } from './_parse-dicom-file.ts';
export type { ParsedDicomFile } from './_parse-dicom-file.ts';
export { createValueReader, readSpecificCharacterSet } from './_read-values.ts';
export type { ValueReader, StringVr } from './_read-values.ts';
