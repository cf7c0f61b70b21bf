import type { ImportFailure, ImportSource } from './vault-api.ts';

/** One file to read during an import: where it was found and how to get its bytes. */
export interface ImportFile {
  /** Shown in failures: the path as the user picked it. */
  name: string;
  /** Relative path ('/'-separated), to match a DICOMDIR's references. */
  path: string;
  size: number;
  read(): Promise<Uint8Array>;
}

export type ImportItem = { file: ImportFile } | { failure: ImportFailure };

/**
 * The files of the user's choice as the import reads them. Plain files only:
 * a ZIP archive is reported as a failure until the import module that opens
 * archives is wired in here.
 */
export async function* listImportFiles(sources: readonly ImportSource[]): AsyncGenerator<ImportItem> {
  for (const source of sources) {
    const path = source.path.split(/[/\\]+/).filter((p) => p !== '' && p !== '.').join('/') || source.file.name;
    const file = source.file;
    yield {
      file: {
        name: path,
        path,
        size: file.size,
        read: async () => new Uint8Array(await file.arrayBuffer()),
      },
    };
  }
}

/** A DICOMDIR's references, matched case-insensitively against the files at hand (PS3.10 §8.2; CDs read on other systems change case). */
export function resolveDicomDirPaths(
  dicomDirPath: string,
  references: readonly string[],
  availablePaths: Iterable<string>,
): { found: string[]; missing: string[] } {
  const slash = dicomDirPath.lastIndexOf('/');
  const folder = slash < 0 ? '' : dicomDirPath.slice(0, slash + 1);
  const byLower = new Map<string, string>();
  for (const p of availablePaths) byLower.set(p.toLowerCase(), p);
  const found: string[] = [];
  const missing: string[] = [];
  for (const ref of references) {
    const full = `${folder}${ref}`;
    const hit = byLower.get(full.toLowerCase());
    if (hit !== undefined) found.push(hit);
    else missing.push(full);
  }
  return { found, missing };
}
