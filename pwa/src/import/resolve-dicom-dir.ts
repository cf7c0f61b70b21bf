// Which picked files a DICOMDIR means. Its Referenced File IDs (0004,1500)
// are relative to the folder holding the DICOMDIR (PS3.10 §8.2) and use
// upper-case ISO 9660 names, but a CD copied by another system may show
// them lower-case, with a trailing '.' (a name without an extension) or the
// ISO 9660 version suffix ';1'.

import type { DicomDirEntry } from '../dicom/index.ts';
import { dirName, splitPath } from './_import-paths.ts';

export interface DicomDirResolution {
  /** Referenced File ID ('/'-joined, as DicomDirEntry.path) → the available path holding it. */
  found: Map<string, string>;
  /** Referenced File IDs no available path matches, in DICOMDIR order. */
  missing: string[];
}

/**
 * Matches a DICOMDIR's references (readDicomDir's entries, or their File IDs
 * joined with '/' or '\') to the paths of the files picked with it. An exact
 * match wins over a loose one (case, trailing '.', ';1'), so "IM1" and "im1"
 * side by side each find their own reference.
 */
export function resolveDicomDir(
  dicomDirPath: string,
  referenced: Iterable<DicomDirEntry | string>,
  availablePaths: Iterable<string>,
): DicomDirResolution {
  const base = splitPath(dirName(splitPath(dicomDirPath).join('/')));
  const exact = new Map<string, string>();
  const loose = new Map<string, string>();
  for (const path of availablePaths) {
    const parts = splitPath(path);
    if (parts.length <= base.length) continue;
    if (!base.every((part, i) => looseName(part) === looseName(parts[i]!))) continue;
    const rest = parts.slice(base.length);
    const exactKey = rest.join('/');
    if (!exact.has(exactKey)) exact.set(exactKey, path);
    const looseKey = rest.map(looseName).join('/');
    if (!loose.has(looseKey)) loose.set(looseKey, path);
  }

  const found = new Map<string, string>();
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const reference of referenced) {
    const fileId = typeof reference === 'string' ? splitPath(reference).join('/') : reference.path;
    if (seen.has(fileId)) continue;
    seen.add(fileId);
    const parts = splitPath(fileId);
    const path = exact.get(parts.join('/')) ?? loose.get(parts.map(looseName).join('/'));
    if (path === undefined) missing.push(fileId);
    else found.set(fileId, path);
  }
  return { found, missing };
}

/** A name as ISO 9660 would store it: upper case, without ';<version>' or trailing dots. */
function looseName(name: string): string {
  return name.replace(/;\d*$/, '').replace(/\.+$/, '').toUpperCase();
}
