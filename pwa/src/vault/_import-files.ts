import { resolveDicomDir } from '../import/index.ts';

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
