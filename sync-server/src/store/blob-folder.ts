import { createHash, randomBytes } from 'node:crypto';
import { fsyncSync, mkdirSync, openSync, closeSync } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { BlobStore } from './contract.ts';

// Layout:
//   <dir>/<aa>/<address>                    a stored blob; aa = its first two hex digits,
//                                           so no folder grows past 1/256 of the blobs
//   <dir>/tmp/<address>.<random>.part       an upload being written
// tmp/ sits inside <dir>, on the same file system, so rename() into place is
// atomic: after a crash a blob is either absent or whole (POSIX rename(2)).

const ADDRESS = /^[0-9a-f]{64}$/;
const PART_SUFFIX = '.part';

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

// A rename or a new entry is durable only once the folder holding it is
// fsynced (fsync(2): syncing a file does not sync its directory entry).
// Windows cannot open a folder for fsync; NTFS journals renames itself.
async function syncFolder(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
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

  function assertHash(address: string, bytes: Uint8Array): void {
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== address) throw new BlobHashMismatchError(address, actual);
  }

  async function sizeOf(address: string): Promise<number | null> {
    try {
      const stats = await stat(pathOf(address));
      return stats.isFile() ? stats.size : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  return {
    async put(address, bytes) {
      assertAddress(address);
      if (!(bytes instanceof Uint8Array)) throw new TypeError('Blob bytes must be a Uint8Array');

      const target = pathOf(address);
      // Content-addressed: a file under this name holds these bytes (it got
      // there only by a rename after the hash check), so a repeat is a no-op.
      if ((await sizeOf(address)) !== null) {
        assertHash(address, bytes);
        return;
      }

      const shardDir = dirname(target);
      // 256 shard folders at most: made once, then remembered.
      const shardCreated = knownShards.has(shardDir) ? undefined : await mkdir(shardDir, { recursive: true });
      knownShards.add(shardDir);
      // A random suffix keeps two concurrent uploads of one blob apart; both
      // renames then put the same bytes in place.
      const part = join(tmpDir, `${address}.${randomBytes(8).toString('hex')}${PART_SUFFIX}`);
      let renamed = false;
      try {
        const handle = await open(part, 'wx');
        try {
          // Hash on this thread while the write runs on the I/O pool; the
          // name is given only after both the hash and the fsync succeeded.
          const writing = handle.write(bytes, 0, bytes.length, 0);
          writing.catch(() => undefined);
          assertHash(address, bytes);
          const { bytesWritten } = await writing;
          if (bytesWritten !== bytes.length) await handle.write(bytes, bytesWritten, bytes.length - bytesWritten, bytesWritten);
          // The bytes reach the disk before the name does: otherwise a crash
          // after the rename could leave a whole-looking file of zeros.
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(part, target);
        renamed = true;
      } finally {
        // Best effort: whatever stays behind is an orphan collectOrphans removes.
        if (!renamed) await unlink(part).catch(() => undefined);
      }
      await syncFolder(shardDir);
      for (const parent of listParentsToSync(shardCreated, shardDir)) await syncFolder(parent);
    },

    async size(address) {
      assertAddress(address);
      return sizeOf(address);
    },

    async read(address, range) {
      assertAddress(address);
      let handle;
      try {
        handle = await open(pathOf(address), 'r');
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
      try {
        const { size } = await handle.stat();
        const start = range?.start ?? 0;
        const end = range?.end ?? size;
        if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end > size) {
          throw new RangeError(`Range [${start}, ${end}) is not within blob ${address} of ${size} bytes`);
        }
        const out = new Uint8Array(end - start);
        for (let at = 0; at < out.length; ) {
          const { bytesRead } = await handle.read(out, at, out.length - at, start + at);
          if (bytesRead === 0) throw new Error(`blob ${address} ended early`);
          at += bytesRead;
        }
        return out;
      } finally {
        await handle.close();
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
