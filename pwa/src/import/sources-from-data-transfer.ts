import type { ImportSource } from '../vault/vault-api.ts';
import { isJunkPath, normaliseSourcePath } from './_import-paths.ts';

/**
 * The files and whole folders of a drop, each with its path below what was
 * dropped ("CD/DICOM/IM0001").
 *
 * Call it directly in the `drop` handler, before any `await`: the browser
 * empties `dataTransfer.items` once the event's task ends (HTML §6.11.3, the
 * drag data store turns "protected"), so the entries are taken here
 * synchronously and only walked afterwards.
 */
export function sourcesFromDataTransfer(dt: DataTransfer): Promise<ImportSource[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(dt.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (dt.items.length === 0) loose.push(...Array.from(dt.files));
  return collect(entries, loose);
}

async function collect(entries: readonly FileSystemEntry[], loose: readonly File[]): Promise<ImportSource[]> {
  const sources: ImportSource[] = loose.map((file) => ({ file, path: file.name }));
  for (const entry of entries) await walk(entry, sources);
  return sources.filter((source) => !isJunkPath(source.path));
}

async function walk(entry: FileSystemEntry, sources: ImportSource[]): Promise<void> {
  // fullPath is rooted at the drop ("/CD/DICOM/IM0001").
  const path = normaliseSourcePath(entry.fullPath) || entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    sources.push({ file, path });
  } else if (entry.isDirectory) {
    if (isJunkPath(path)) return;
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries hands out a folder in batches (Chrome: 100 at a time) and
    // an empty batch at the end; one call would silently drop the rest.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, sources);
    }
  }
}
