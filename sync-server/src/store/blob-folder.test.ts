import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobHashMismatchError, openBlobFolder } from './blob-folder.ts';
import { describeBlobStoreContract } from './contract.test-suite.ts';

const folders: string[] = [];
function makeFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kura-blobs-'));
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function makeBlob(length = 1_000): { address: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(randomBytes(length));
  return { address: createHash('sha256').update(bytes).digest('hex'), bytes };
}

describeBlobStoreContract('folder', () => openBlobFolder({ dir: join(makeFolder(), 'blobs') }));

describe('blob folder', () => {
  it('lays blobs out as <dir>/<aa>/<address> and leaves no .part behind', async () => {
    const dir = join(makeFolder(), 'blobs');
    const blobs = openBlobFolder({ dir });
    const { address, bytes } = makeBlob();
    await blobs.put(address, bytes);
    expect(new Uint8Array(readFileSync(join(dir, address.slice(0, 2), address)))).toEqual(bytes);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  it('writes nothing for refused bytes', async () => {
    const dir = join(makeFolder(), 'blobs');
    const blobs = openBlobFolder({ dir });
    const { address } = makeBlob();
    await expect(blobs.put(address, new Uint8Array(10))).rejects.toThrow(BlobHashMismatchError);
    expect(existsSync(join(dir, address.slice(0, 2), address))).toBe(false);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  it('removes the temp file of a body cut off mid-way, once its last write has ended', async () => {
    const dir = join(makeFolder(), 'blobs');
    const blobs = openBlobFolder({ dir });
    const { address, bytes } = makeBlob(500_000);
    let seenWhileWriting: string[] = [];
    async function* cutOff(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < 256 * 1024; at += 64 * 1024) {
        yield bytes.slice(at, at + 64 * 1024);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // Written as it arrived: the temp file is there before the body ends.
      seenWhileWriting = readdirSync(join(dir, 'tmp'));
      throw new Error('aborted');
    }
    await expect(blobs.putStream(address, cutOff(), { maxBytes: 1 << 20 })).rejects.toThrow('aborted');
    expect(seenWhileWriting).toEqual([expect.stringMatching(new RegExp(`^${address}\\.[0-9a-f]{16}\\.part$`))]);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(existsSync(join(dir, address.slice(0, 2), address))).toBe(false);
  });

  it('names the mismatch', async () => {
    const blobs = openBlobFolder({ dir: join(makeFolder(), 'blobs') });
    const { address } = makeBlob();
    const error = await blobs.put(address, new Uint8Array(0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobHashMismatchError);
    expect(error).toMatchObject({ name: 'BlobHashMismatchError', address, actual: createHash('sha256').digest('hex') });
  });

  it('collects .part files older than the cut-off only', async () => {
    const dir = join(makeFolder(), 'blobs');
    const blobs = openBlobFolder({ dir });
    const tmp = join(dir, 'tmp');
    const { address } = makeBlob();
    const old = join(tmp, `${address}.aaaa.part`);
    const fresh = join(tmp, `${address}.bbbb.part`);
    const unrelated = join(tmp, 'notes.txt');
    for (const path of [old, fresh, unrelated]) writeFileSync(path, 'partial');
    const now = Date.now();
    const anHourAgo = new Date(now - 3_600_000);
    utimesSync(old, anHourAgo, anHourAgo);
    utimesSync(unrelated, anHourAgo, anHourAgo);

    expect(await blobs.collectOrphans(now - 60_000)).toBe(1);
    expect(readdirSync(tmp).sort()).toEqual([`${address}.bbbb.part`, 'notes.txt']);
    expect(await blobs.collectOrphans(now - 60_000)).toBe(0);
  });

  it('creates its folder, nested, at open', () => {
    const dir = join(makeFolder(), 'a', 'b', 'blobs');
    openBlobFolder({ dir });
    expect(existsSync(join(dir, 'tmp'))).toBe(true);
  });
});
