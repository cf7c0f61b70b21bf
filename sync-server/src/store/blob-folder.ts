import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fdatasync, fstatSync, fsync, fsyncSync, mkdirSync, openSync, read, renameSync, statSync, unlinkSync, write, writev } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { BlobStore } from './contract.ts';

// Layout:
//   <dir>/<aa>/<address>                    a stored blob; aa = its first two hex digits,
//                                           so no folder grows past 1/256 of the blobs
//   <dir>/tmp/<address>.<random>.part       an upload being written
// tmp/ sits inside <dir>, on the same file system, so rename() into place is
// atomic: after a crash a blob is either absent or whole (POSIX rename(2)).
//
// Which calls go to Node's I/O pool: those that move bytes or wait for the
// disk (the part's write, the part's read, fsync). Metadata calls on this
// local folder (stat, open, close, rename, mkdir) are made on the spot: each
// is one system call of microseconds, while each trip to the pool and back
// cost 0.3-0.5 ms here (two wake-ups across CPUs), 10-50x the call itself:
// an upload made nine such trips and a download five. SQLite already reads
// and commits on the main thread, so this adds no new kind of blocking.

const ADDRESS = /^[0-9a-f]{64}$/;
const PART_SUFFIX = '.part';

// How a part reaches the disk: its chunks are written as they arrive without
// waiting for the disk, then one fdatasync makes them durable (data and
// size, what reading the file back needs) before the rename. Measured on the
// bench machine against opening the temp file with O_DSYNC, where every
// write waits for the disk: a 1 MiB upload took a median 9.1 ms with one
// fdatasync at the end and 10.3 ms with O_DSYNC writes (bench/RESULTS.md).
const PART_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

/** put() refused bytes whose SHA-256 is not the address they were sent under. */
export class BlobHashMismatchError extends Error {
  override name = 'BlobHashMismatchError';
  readonly address: string;
  readonly actual: string;

  constructor(address: string, actual: string) {
    super(`The bytes sent for blob ${address} hash to ${actual}`);
    this.address = address;
    this.actual = actual;
  }
}

/** putStream() refused a part longer than its limit. */
export class BlobTooLargeError extends Error {
  override name = 'BlobTooLargeError';
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    super(`A blob part is at most ${maxBytes} bytes`);
    this.maxBytes = maxBytes;
  }
}

// The address becomes a file name: only 64 lowercase hex digits may, so no
// '../', separator or NUL can reach the file system.
function assertAddress(address: string): void {
  if (typeof address !== 'string' || !ADDRESS.test(address)) {
    throw new TypeError(`A blob address is 64 lowercase hex digits (SHA-256), got ${JSON.stringify(address)}`);
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** Writes all of `bytes` at `position`, on the I/O pool. */
function writeFully(fd: number, bytes: Uint8Array, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (at: number): void => {
      if (at >= bytes.length) return resolve();
      write(fd, bytes, at, bytes.length - at, position + at, (error, written) => (error ? reject(error) : step(at + written)));
    };
    step(0);
  });
}

/** Writes the chunks one after another from `position`, in one call when the file takes them whole. */
function writeChunks(fd: number, chunks: Uint8Array[], position: number): Promise<void> {
  if (chunks.length === 1) return writeFully(fd, chunks[0]!, position);
  const total = chunks.reduce((n, c) => n + c.length, 0);
  return new Promise((resolve, reject) => {
    writev(fd, chunks, position, (error, written) => {
      if (error) return reject(error);
      if (written === total) return resolve();
      // A short write (rare on a local file): the rest, from where it stopped.
      writeFully(fd, Buffer.concat(chunks).subarray(written), position + written).then(resolve, reject);
    });
  });
}

/**
 * Appends chunks to a file as they arrive, one write on the I/O pool at a
 * time: chunks that arrive while a write runs are sent together in the next
 * one. A trip to the pool costs 0.3-0.5 ms here, longer than 64 KiB takes to
 * arrive over loopback, so one write per chunk would fall behind the socket.
 */
function createAppender(fd: number): { append(chunk: Uint8Array): void; drain(): Promise<void>; readonly failed: unknown } {
  let waiting: Uint8Array[] = [];
  let position = 0;
  let running: Promise<void> | null = null;
  let failed: unknown;
  let idle: (() => void) | null = null;

  const next = (): void => {
    if (failed !== undefined || waiting.length === 0) {
      running = null;
      idle?.();
      return;
    }
    const batch = waiting;
    waiting = [];
    const at = position;
    position += batch.reduce((n, c) => n + c.length, 0);
    running = writeChunks(fd, batch, at).then(next, (error: unknown) => {
      failed = error;
      next();
    });
  };

  return {
    append(chunk) {
      waiting.push(chunk);
      if (running === null) next();
    },
    /** Resolves once no write runs; the descriptor may then close. Check `failed` after. */
    drain() {
      if (running === null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idle = resolve;
      });
    },
    get failed() {
      return failed;
    },
  };
}

/** Fills `out` from the file at `position` on the I/O pool. */
function readFully(fd: number, out: Uint8Array, position: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (at: number): void => {
      if (at >= out.length) return resolve();
      read(fd, out, at, out.length - at, position + at, (error, bytesRead) => {
        if (error) return reject(error);
        if (bytesRead === 0) return reject(new Error(`${what} ended early`));
        step(at + bytesRead);
      });
    };
    step(0);
  });
}

function fsyncOnPool(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
}

function fdatasyncOnPool(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
}

// A rename or a new entry is durable only once the folder holding it is
// fsynced (fsync(2): syncing a file does not sync its directory entry).
// Windows cannot open a folder for fsync; NTFS journals renames itself.
async function syncFolder(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fd = openSync(path, 'r');
  try {
    await fsyncOnPool(fd);
  } finally {
    closeSync(fd);
  }
}

function syncFolderNow(path: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// mkdir({ recursive }) reports the first folder it created; every folder from
// that one's parent down to `deepest`'s parent gained an entry to sync.
function listParentsToSync(firstCreated: string | undefined, deepest: string): string[] {
  if (firstCreated === undefined) return [];
  const parents: string[] = [];
  for (let path = deepest; ; path = dirname(path)) {
    parents.push(dirname(path));
    if (path === firstCreated || dirname(path) === path) return parents;
  }
}

/** Blob bytes as files in a folder: the embedded default BlobStore. */
export function openBlobFolder(options: { dir: string }): BlobStore {
  const dir = resolve(options.dir);
  const tmpDir = join(dir, 'tmp');
  const pathOf = (address: string): string => join(dir, address.slice(0, 2), address);

  // Made now so a bad path or a missing permission shows at start-up.
  const firstCreated = mkdirSync(tmpDir, { recursive: true });
  for (const parent of listParentsToSync(firstCreated, tmpDir)) syncFolderNow(parent);

  const knownShards = new Set<string>();

  function sizeOf(address: string): number | null {
    const stats = statSync(pathOf(address), { throwIfNoEntry: false });
    return stats?.isFile() ? stats.size : null;
  }

  async function putStream(address: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes: number): Promise<number> {
    assertAddress(address);
    const hash = createHash('sha256');
    let size = 0;
    /** Counts and hashes a chunk; the hash runs on this thread while the chunk's write runs on the pool. */
    const take = (chunk: Uint8Array, write?: (chunk: Uint8Array) => void): void => {
      if (!(chunk instanceof Uint8Array)) throw new TypeError('Blob bytes must be a Uint8Array');
      size += chunk.length;
      if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
      write?.(chunk);
      hash.update(chunk);
    };
    const checkHash = (): void => {
      const actual = hash.digest('hex');
      if (actual !== address) throw new BlobHashMismatchError(address, actual);
    };

    // Content-addressed: a file under this name holds these bytes (it got
    // there only by a rename after the hash check), so a repeat writes
    // nothing, but its bytes are still read and checked.
    if (sizeOf(address) !== null) {
      for await (const chunk of chunks) take(chunk);
      checkHash();
      return size;
    }

    const target = pathOf(address);
    const shardDir = dirname(target);
    // 256 shard folders at most: made once, then remembered.
    const shardCreated = knownShards.has(shardDir) ? undefined : mkdirSync(shardDir, { recursive: true });
    knownShards.add(shardDir);
    // A random suffix keeps two concurrent uploads of one blob apart; both
    // renames then put the same bytes in place.
    const part = join(tmpDir, `${address}.${randomBytes(8).toString('hex')}${PART_SUFFIX}`);
    let renamed = false;
    try {
      const fd = openSync(part, PART_FLAGS, 0o666);
      try {
        const appender = createAppender(fd);
        try {
          for await (const chunk of chunks) {
            if (appender.failed !== undefined) break;
            take(chunk, appender.append);
          }
        } finally {
          // Every write ends before the descriptor closes, even when the part
          // is refused or its sender went away: a number closed under a
          // running write could be reused by another file.
          await appender.drain();
        }
        if (appender.failed !== undefined) throw appender.failed;
        checkHash();
        // The bytes reach the disk before the name does: otherwise a crash
        // after the rename could leave a whole-looking file of zeros.
        await fdatasyncOnPool(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(part, target);
      renamed = true;
    } finally {
      // Best effort: whatever stays behind is an orphan collectOrphans removes.
      if (!renamed) {
        try {
          unlinkSync(part);
        } catch {
          // absent, or collected later
        }
      }
    }
    await syncFolder(shardDir);
    for (const parent of listParentsToSync(shardCreated, shardDir)) await syncFolder(parent);
    return size;
  }

  return {
    async put(address, bytes) {
      if (!(bytes instanceof Uint8Array)) throw new TypeError('Blob bytes must be a Uint8Array');
      await putStream(address, [bytes], Infinity);
    },

    putStream(address, chunks, { maxBytes }) {
      return putStream(address, chunks, maxBytes);
    },

    async size(address) {
      assertAddress(address);
      return sizeOf(address);
    },

    async read(address, range) {
      assertAddress(address);
      let fd: number;
      try {
        fd = openSync(pathOf(address), 'r');
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
      try {
        const { size } = fstatSync(fd);
        const start = range?.start ?? 0;
        const end = range?.end ?? size;
        if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end > size) {
          throw new RangeError(`Range [${start}, ${end}) is not within blob ${address} of ${size} bytes`);
        }
        // Not zero-filled first: every byte is read into it, or it is dropped.
        const out = new Uint8Array(Buffer.allocUnsafeSlow(end - start).buffer, 0, end - start);
        await readFully(fd, out, start, `blob ${address}`);
        return out;
      } finally {
        closeSync(fd);
      }
    },

    async collectOrphans(before) {
      let removed = 0;
      for (const name of await readdir(tmpDir)) {
        if (!name.endsWith(PART_SUFFIX)) continue;
        const path = join(tmpDir, name);
        try {
          // mtime, not birth time: a part being written keeps moving it, so an
          // upload in progress is never taken for an orphan.
          if ((await stat(path)).mtimeMs >= before) continue;
          await unlink(path);
          removed += 1;
        } catch (error) {
          // Renamed into place or collected by another sweep meanwhile.
          if (!isMissing(error)) throw error;
        }
      }
      return removed;
    },
  };
}
