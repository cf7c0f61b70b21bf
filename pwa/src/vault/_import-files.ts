import { expandImportSources, isImportFailure, resolveDicomDir, type ImportFile } from '../import/index.ts';
import type { ImportFailure, ImportSource } from './vault-api.ts';

export type { ImportFile };
export type ImportItem = { file: ImportFile } | { failure: ImportFailure };

/** The files of the user's choice (ZIPs opened by the import module), each read only when asked. */
export async function* listImportFiles(sources: readonly ImportSource[]): AsyncGenerator<ImportItem> {
  for await (const item of expandImportSources(sources)) {
    yield isImportFailure(item) ? { failure: item } : { file: item };
  }
}

/**
 * A DICOMDIR's references no picked file matches, named as the user would
 * look for them: the DICOMDIR's folder (as picked, inside a ZIP too) + the
 * Referenced File ID.
 */
export function missingDicomDirFiles(
  dicomDir: { name: string; path: string },
  references: readonly string[],
  availablePaths: Iterable<string>,
): string[] {
  const { missing } = resolveDicomDir(dicomDir.path, references, availablePaths);
  const slash = dicomDir.name.lastIndexOf('/');
  const folder = slash < 0 ? '' : dicomDir.name.slice(0, slash + 1);
  return missing.map((id) => `${folder}${id}`);
}
