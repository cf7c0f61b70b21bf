// The worker's first step of an import: what the user picked (files, folders,
// ZIPs) becomes a flat list of files to read, each read only when asked, so a
// 200 MB CD never sits in memory at once.

import type { ImportFailure, ImportSource } from '../vault/vault-api.ts';
import { isJunkPath, joinPath, normaliseSourcePath } from './_import-paths.ts';
import { ZipError, listZipEntries, peekZipEntry, readZipEntry, startsLikeZip } from './_zip-reader.ts';
import type { ZipEntry } from './_zip-reader.ts';

export interface ImportFile {
  /** What to show the user: the path as picked, inside an archive "cd.zip/DICOM/IM1". */
  name: string;
  /** '/'-separated path relative to what was picked; DICOMDIR references resolve against it. */
  path: string;
  /** Bytes read() will return (unpacked size for an archive entry). */
  size: number;
  /**
   * Loads the bytes. Rejects with an Error whose message is a reason for
   * people (a damaged archive entry, a file removed since it was picked):
   * report it as `{ name, reason: error.message }` and go on.
   */
  read(): Promise<Uint8Array>;
  /**
   * Loads bytes [start, end) without the rest, where the file allows it (a
   * picked file; not an entry inside a compressed archive). Rejects as read().
   */
  readRange?(start: number, end: number): Promise<Uint8Array>;
}

/** Whether an item expandImportSources yielded is a failure rather than a file. */
export function isImportFailure(item: ImportFile | ImportFailure): item is ImportFailure {
  return 'reason' in item;
}

/**
 * Yields every file to import, in the order picked: plain files as they are,
 * ZIP archives (recognised by their signature, or a .zip name) opened, and a
 * ZIP inside one opened too. Folder entries and operating-system clutter
 * (__MACOSX/, .DS_Store, Thumbs.db, …) are skipped without a word; what
 * cannot be read is yielded as an ImportFailure and the rest goes on.
 *
 * An archive entry's checksum is checked when it is read, so a damaged one
 * shows up as read() rejecting, not here.
 */
export async function* expandImportSources(sources: readonly ImportSource[]): AsyncGenerator<ImportFile | ImportFailure> {
  const picked = sources
    .map((source) => ({ source, path: normaliseSourcePath(source.path) || source.file.name }))
    .filter(({ path }) => !isJunkPath(path));
  // Each read of a picked file is a round trip to the browser's file store:
  // the first bytes of the next few files are asked for together.
  const peek = (i: number) =>
    picked[i]!.source.file.slice(0, 4).arrayBuffer().then(
      (buffer) => new Uint8Array(buffer),
      (error: unknown) => new Error(reasonFor(error)),
    );
  const heads: Promise<Uint8Array | Error>[] = [];
  for (let i = 0; i < picked.length; i++) {
    while (heads.length < PEEK_AHEAD && i + heads.length < picked.length) heads.push(peek(i + heads.length));
    const head = await heads.shift()!;
    const { source, path } = picked[i]!;
    if (head instanceof Error) {
      yield { name: path, reason: head.message };
    } else if (startsLikeZip(head) || /\.zip$/i.test(path)) {
      yield* expandArchive(source.file, path, 0);
    } else {
      yield fileFrom(source.file, path);
    }
  }
}

/** Files whose first bytes are asked for at once. */
const PEEK_AHEAD = 16;

/** One level of nesting is what exports hold (a ZIP of per-study ZIPs); deeper is refused rather than unpacked into memory. */
const MAX_NESTING = 1;

async function* expandArchive(archive: Blob, archivePath: string, depth: number): AsyncGenerator<ImportFile | ImportFailure> {
  let listing;
  try {
    listing = await listZipEntries(archive);
  } catch (error) {
    yield { name: archivePath, reason: reasonFor(error) };
    return;
  }
  let yielded = 0;
  for (const entry of listing.entries) {
    if (entry.isDirectory || isJunkPath(normaliseSourcePath(entry.path))) continue;
    const path = joinPath(archivePath, entry.path);
    yielded++;
    if (entry.problem) {
      yield { name: path, reason: entry.problem };
      continue;
    }
    if (!(await isArchive(archive, entry))) {
      yield {
        name: path,
        path,
        size: entry.size,
        read: () => readZipEntry(archive, entry).catch((error: unknown) => Promise.reject(new Error(reasonFor(error)))),
      };
      continue;
    }
    if (depth >= MAX_NESTING) {
      yield { name: path, reason: 'it is a ZIP inside a ZIP inside a ZIP, which is not opened; extract the outer archives and import the folder instead' };
      continue;
    }
    let inner: Uint8Array<ArrayBuffer>;
    try {
      inner = await readZipEntry(archive, entry);
    } catch (error) {
      yield { name: path, reason: reasonFor(error) };
      continue;
    }
    yield* expandArchive(new Blob([inner]), path, depth + 1);
  }
  if (listing.problem) yield { name: archivePath, reason: listing.problem };
  else if (yielded === 0) yield { name: archivePath, reason: 'the archive holds no files' };
}

async function isArchive(archive: Blob, entry: ZipEntry): Promise<boolean> {
  if (/\.zip$/i.test(entry.path)) return true;
  return startsLikeZip(await peekZipEntry(archive, entry, 4));
}

function fileFrom(file: Blob, path: string): ImportFile {
  return {
    name: path,
    path,
    size: file.size,
    read: async () => {
      try {
        return new Uint8Array(await file.arrayBuffer());
      } catch (error) {
        throw new Error(reasonFor(error));
      }
    },
    readRange: async (start, end) => {
      try {
        return new Uint8Array(await file.slice(start, end).arrayBuffer());
      } catch (error) {
        throw new Error(reasonFor(error));
      }
    },
  };
}

function reasonFor(error: unknown): string {
  if (error instanceof ZipError) return error.message;
  // A File's bytes live on the user's disk until read: a file moved, changed
  // or on a CD ejected since it was picked fails with NotReadableError.
  if (error instanceof Error && (error.name === 'NotReadableError' || error.name === 'NotFoundError')) {
    return 'it could not be read: it was moved, changed or removed after it was picked';
  }
  return `it could not be read (${error instanceof Error ? error.message : String(error)})`;
}
