// pwa/src/import/: what the user picks or drops becomes files to import
// (DESIGN.md §8). Two halves:
//   UI thread (cheap, no reading):   sourcesFromFileList, sourcesFromDataTransfer, isDocumentFile
//   vault worker (reads the bytes):  readImportSources (every file's bytes, ZIPs opened), sniffFileKind, resolveDicomDir

export { sourcesFromFileList } from './sources-from-file-list.ts';
export { sourcesFromDataTransfer } from './sources-from-data-transfer.ts';
export { isDocumentFile } from './is-document-file.ts';
export { readImportSources, isImportFailure } from './read-import-sources.ts';
export type { ImportFileBytes, ReadLimits } from './read-import-sources.ts';
export { resolveDicomDir } from './resolve-dicom-dir.ts';
export type { DicomDirResolution } from './resolve-dicom-dir.ts';
export { sniffFileKind, SNIFF_LENGTH } from './sniff-file-kind.ts';
export type { FileKind } from './sniff-file-kind.ts';
