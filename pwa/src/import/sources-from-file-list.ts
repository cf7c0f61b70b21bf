import type { ImportSource } from '../vault/vault-api.ts';
import { isJunkPath, normaliseSourcePath } from './_import-paths.ts';

/**
 * The files of an `<input type="file">`: with `webkitdirectory` each carries
 * its path below the chosen folder (webkitRelativePath, "CD/DICOM/IM0001"),
 * which a DICOMDIR's references need; otherwise the name is all there is.
 * Operating-system clutter (.DS_Store, Thumbs.db, __MACOSX/) is left out.
 */
export function sourcesFromFileList(files: FileList | readonly File[]): ImportSource[] {
  const sources: ImportSource[] = [];
  for (const file of Array.from(files)) {
    const path = normaliseSourcePath(file.webkitRelativePath ?? '') || file.name;
    if (!isJunkPath(path)) sources.push({ file, path });
  }
  return sources;
}
