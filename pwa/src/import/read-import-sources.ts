// The worker's first step of an import: what the user picked (files,
// folders, ZIPs) becomes the bytes of every file in it.
//
// In Chromium every read of a Blob is a round trip to the browser process,
// which for a CD of many small DICOM files costs more than the bytes. So
// picked files are read in groups, one read per group, and which of them are
// ZIPs is told from the bytes read rather than by reading each one's head
// first. Only a large file is looked at before it is read: a ZIP (a whole
// CD, perhaps gigabytes) is opened in place and its entries read a run at a
// time, never the archive whole.
//
// Reads run ahead of the consumer, so that parsing and encrypting one group
// overlaps reading the next, but boundedly: a slow consumer must not make the
// reader hold a whole CD in a tablet's memory.

import type { ImportFailure, ImportSource } from '../vault/vault-api.ts';
import { isJunkPath, joinPath, normaliseSourcePath } from './_import-paths.ts';
import { ZipError, listZipEntries, readZipEntries, startsLikeZip } from './_zip-reader.ts';
import type { ZipEntry, ZipListing } from './_zip-reader.ts';

export interface ImportFileBytes {
  /** What to show the user: the path as picked, inside an archive "cd.zip/DICOM/IM1". */
  name: string;
  /** '/'-separated path relative to what was picked; DICOMDIR references resolve against it. */
  path: string;
  size: number;
  /**
   * The whole file (unpacked, for an archive entry). Usually a view into a
   * buffer read for a whole group of files: the vault encrypts these bytes
   * into new ones, so the view costs nothing; anything that kept the view
   * itself (IndexedDB stores a view's whole buffer) would keep the group.
   */
  bytes: Uint8Array<ArrayBuffer>;
}

export interface ReadLimits {
  /** Picked files up to this size are read in groups; a larger one alone, once its first bytes show it is not a ZIP. */
  groupFileBytes: number;
  /** Most bytes one read takes in: a group of picked files, or a run of archive entries (their unpacked size too). */
  groupBytes: number;
  /** Most files or archive entries one read takes in. */
  groupFiles: number;
  /** Reads started beyond the group the consumer is taking files from… */
  aheadGroups: number;
  /** …and the most bytes they may hold. A larger group is read when the consumer reaches it. */
  aheadBytes: number;
}

const MiB = 1024 * 1024;

// Measured in headless Chromium over 1595 files (204 MB, avg 128 KB): read
// in groups of ≤ 8 MiB or ≤ 256 files they take ~300 ms, against ~550 ms for
// one read per file four at a time. Two groups ahead keep a tablet's memory
// use to a few tens of MB.
const DEFAULT_LIMITS: ReadLimits = {
  groupFileBytes: 4 * MiB,
  groupBytes: 8 * MiB,
  groupFiles: 256,
  aheadGroups: 2,
  aheadBytes: 32 * MiB,
};

/** Whether an item readImportSources yielded is a failure rather than a file. */
export function isImportFailure<T extends object>(item: T | ImportFailure): item is ImportFailure {
  return 'reason' in item;
}

/**
 * Yields every file to import with its bytes, in the order picked: plain
 * files as they are, ZIP archives (recognised by their signature, or a .zip
 * name) opened, and a ZIP inside one opened too. Folder entries and
 * operating-system clutter (__MACOSX/, .DS_Store, Thumbs.db, …) are skipped
 * without a word; what cannot be read (a damaged archive entry, a file
 * removed since it was picked) is yielded as an ImportFailure whose reason
 * is for people, and the rest goes on.
 */
export async function* readImportSources(
  sources: readonly ImportSource[],
  limits: Partial<ReadLimits> = {},
): AsyncGenerator<ImportFileBytes | ImportFailure> {
  const readLimits = { ...DEFAULT_LIMITS, ...limits };
  const picked = sources
    .map(({ file, path }) => ({ file, path: normaliseSourcePath(path) || file.name }))
    .filter(({ path }) => !isJunkPath(path));
  for await (const reads of readAhead(pickedReads(picked, readLimits), readLimits)) {
    for (const read of reads) {
      if ('reason' in read) yield { name: read.path, reason: read.reason };
      else if ('archive' in read) yield* readArchive(read.archive, read.path, 0, readLimits);
      else if (isZipName(read.path) || startsLikeZip(read.bytes)) yield* readArchive(new Blob([read.bytes]), read.path, 0, readLimits);
      else yield fileBytes(read.path, read.bytes);
    }
  }
}

// ---------------------------------------------------------------------------
// Read ahead

/** A read, not yet started. */
interface ReadJob<T> {
  /** What its result holds in memory, counted against ReadLimits.aheadBytes. */
  bytes: number;
  /** Resolves with failures inside T; never rejects, so a read the consumer never reaches leaves no unhandled rejection. */
  read(): Promise<T>;
}

/**
 * Yields the jobs' results in order, starting the reads of up to
 * `aheadGroups` jobs (and `aheadBytes`) beyond the one whose result was
 * yielded last, and nothing more while the consumer does not ask.
 */
async function* readAhead<T>(jobs: Iterator<ReadJob<T>>, limits: ReadLimits): AsyncGenerator<T> {
  const started: { bytes: number; result: Promise<T> }[] = [];
  let next = jobs.next();
  for (;;) {
    // The first job is what the consumer waits for: it starts whatever its size.
    let ahead = started.slice(1).reduce((sum, job) => sum + job.bytes, 0);
    while (!next.done && (started.length === 0 || (started.length <= limits.aheadGroups && ahead + next.value.bytes <= limits.aheadBytes))) {
      if (started.length > 0) ahead += next.value.bytes;
      started.push({ bytes: next.value.bytes, result: next.value.read() });
      next = jobs.next();
    }
    const first = started.shift();
    if (!first) return;
    yield await first.result;
  }
}

// ---------------------------------------------------------------------------
// Picked files

interface Picked {
  file: File;
  /** Normalised, or the file's name. */
  path: string;
}

type PickedRead =
  | { path: string; bytes: Uint8Array<ArrayBuffer> }
  /** A large ZIP, opened in place. */
  | { path: string; archive: File }
  | { path: string; reason: string };

/** The picked files' reads: consecutive small files in groups, each large one alone. */
function* pickedReads(picked: readonly Picked[], limits: ReadLimits): Generator<ReadJob<PickedRead[]>> {
  let group: Picked[] = [];
  let groupBytes = 0;
  for (const item of picked) {
    const size = item.file.size;
    const large = size > limits.groupFileBytes;
    if (group.length > 0 && (large || groupBytes + size > limits.groupBytes || group.length >= limits.groupFiles)) {
      yield readGroup(group, groupBytes);
      group = [];
      groupBytes = 0;
    }
    if (large) {
      yield readLargeFile(item);
    } else {
      group.push(item);
      groupBytes += size;
    }
  }
  if (group.length > 0) yield readGroup(group, groupBytes);
}

function readGroup(group: readonly Picked[], bytes: number): ReadJob<PickedRead[]> {
  return {
    bytes,
    read: async () => {
      const buffer = await new Blob(group.map(({ file }) => file)).arrayBuffer().catch(() => null);
      if (buffer?.byteLength === bytes) {
        let at = 0;
        return group.map(({ file, path }) => ({ path, bytes: new Uint8Array(buffer, (at += file.size) - file.size, file.size) }));
      }
      // One file moved, changed or removed since it was picked fails the
      // read of its whole group (NotReadableError), or changes its length:
      // each is read alone, so only that one is reported.
      return Promise.all(
        group.map(async ({ file, path }): Promise<PickedRead> => {
          try {
            return { path, bytes: new Uint8Array(await file.arrayBuffer()) };
          } catch (error) {
            return { path, reason: reasonFor(error) };
          }
        }),
      );
    },
  };
}

/**
 * A large file may be a CD's archive, gigabytes, to open in place: its first
 * bytes tell, unless its name already does. Anything else is read whole.
 */
function readLargeFile({ file, path }: Picked): ReadJob<PickedRead[]> {
  if (isZipName(path)) return { bytes: 0, read: async () => [{ path, archive: file }] };
  return {
    bytes: file.size,
    read: async () => {
      try {
        if (startsLikeZip(new Uint8Array(await file.slice(0, 4).arrayBuffer()))) return [{ path, archive: file }];
        return [{ path, bytes: new Uint8Array(await file.arrayBuffer()) }];
      } catch (error) {
        return [{ path, reason: reasonFor(error) }];
      }
    },
  };
}

// ---------------------------------------------------------------------------
// Archives

/** One level of nesting is what exports hold (a ZIP of per-study ZIPs); deeper is refused rather than unpacked into memory. */
const MAX_NESTING = 1;

/** An archive's files, in the order of its table of contents. */
async function* readArchive(archive: Blob, archivePath: string, depth: number, limits: ReadLimits): AsyncGenerator<ImportFileBytes | ImportFailure> {
  let listing: ZipListing;
  try {
    listing = await listZipEntries(archive);
  } catch (error) {
    yield { name: archivePath, reason: reasonFor(error) };
    return;
  }
  const entries = listing.entries.filter((entry) => !entry.isDirectory && !isJunkPath(normaliseSourcePath(entry.path)));
  for await (const run of readAhead(entryRuns(archive, entries, limits), limits)) {
    for (const { entry, read } of run) {
      const path = joinPath(archivePath, entry.path);
      if (read instanceof Error) {
        yield { name: path, reason: reasonFor(read) };
      } else if (!isZipName(entry.path) && !startsLikeZip(read)) {
        yield fileBytes(path, read);
      } else if (depth >= MAX_NESTING) {
        yield { name: path, reason: 'it is a ZIP inside a ZIP inside a ZIP, which is not opened; extract the outer archives and import the folder instead' };
      } else {
        yield* readArchive(new Blob([read]), path, depth + 1, limits);
      }
    }
  }
  if (listing.problem) yield { name: archivePath, reason: listing.problem };
  else if (entries.length === 0) yield { name: archivePath, reason: 'the archive holds no files' };
}

interface EntryRead {
  entry: ZipEntry;
  read: Uint8Array<ArrayBuffer> | Error;
}

/**
 * The entries' reads: runs of entries that lie within `groupBytes` of each
 * other in the archive (usually consecutive ones), each run read with one
 * slice. An entry that cannot be read (`problem`) joins a run without
 * widening it.
 */
function* entryRuns(archive: Blob, entries: readonly ZipEntry[], limits: ReadLimits): Generator<ReadJob<EntryRead[]>> {
  let run: ZipEntry[] = [];
  // The span [start, end) read for the run's readable entries, and their unpacked size.
  let readable = 0;
  let start = 0;
  let end = 0;
  let unpacked = 0;
  const fits = (entry: ZipEntry): boolean =>
    entry.problem !== null ||
    readable === 0 ||
    (Math.max(end, entry.spanEnd) - Math.min(start, entry.localHeaderOffset) <= limits.groupBytes && unpacked + entry.size <= limits.groupBytes);
  for (const entry of entries) {
    if (run.length >= limits.groupFiles || !fits(entry)) {
      yield readRun(archive, run, Math.max(end - start, unpacked));
      run = [];
      readable = start = end = unpacked = 0;
    }
    run.push(entry);
    if (entry.problem) continue;
    start = readable === 0 ? entry.localHeaderOffset : Math.min(start, entry.localHeaderOffset);
    end = readable === 0 ? entry.spanEnd : Math.max(end, entry.spanEnd);
    unpacked += entry.size;
    readable++;
  }
  if (run.length > 0) yield readRun(archive, run, Math.max(end - start, unpacked));
}

function readRun(archive: Blob, run: readonly ZipEntry[], bytes: number): ReadJob<EntryRead[]> {
  return {
    bytes,
    read: async () => (await readZipEntries(archive, run)).map((read, i) => ({ entry: run[i]!, read })),
  };
}

// ---------------------------------------------------------------------------

function fileBytes(path: string, bytes: Uint8Array<ArrayBuffer>): ImportFileBytes {
  return { name: path, path, size: bytes.length, bytes };
}

function isZipName(path: string): boolean {
  return /\.zip$/i.test(path);
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
