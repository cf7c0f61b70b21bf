import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DicomReadError, readDicomTags, readDicomTagsFrom, TAG_PREFIX_BYTES } from './index.ts';
import type { DicomByteSource } from './index.ts';
import { writeTestDicom } from './_write-test-dicom.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const corpusDir = resolve(repoRoot, '..', 'shared', 'dicom-corpus');
const hasCorpus = existsSync(join(corpusDir, 'manifest.json'));

/** A file in memory that counts how many of its bytes were read. */
function source(bytes: Uint8Array): DicomByteSource & { bytesRead: number } {
  const s = {
    size: bytes.length,
    bytesRead: 0,
    async read() {
      s.bytesRead += bytes.length;
      return bytes.slice();
    },
    async readRange(start: number, end: number) {
      const part = bytes.slice(start, end);
      s.bytesRead += part.length;
      return part;
    },
  };
  return s;
}

async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    return await p;
  } catch (e) {
    return e instanceof DicomReadError ? `error: ${e.message}` : e;
  }
}

/** A CT slice of 512×256 16-bit pixels: big enough for the head-only path. */
function largeCt(): Uint8Array {
  const pixels = new Uint8Array(512 * 256 * 2).map((_, i) => i & 0xff);
  return writeTestDicom(
    [
      { tag: 0x00080018, vr: 'UI', value: '1.2.3.4.5' },
      { tag: 0x00080060, vr: 'CS', value: 'CT' },
      { tag: 0x00100010, vr: 'PN', value: 'Head^Only' },
      { tag: 0x00100020, vr: 'LO', value: 'P-77' },
      { tag: 0x0020000d, vr: 'UI', value: '1.2.3' },
      { tag: 0x7fe00010, vr: 'OW', value: pixels },
    ],
    { meta: { transferSyntaxUid: '1.2.840.10008.1.2.1', sopInstanceUid: '1.2.3.4.5' } },
  );
}

describe('readDicomTagsFrom', () => {
  it('reads a large file’s tags from its head, and reports it cut short without reading the rest', async () => {
    const whole = largeCt();
    const s = source(whole);
    expect(await readDicomTagsFrom(s, 'CT1')).toEqual(await readDicomTags(whole, 'CT1'));
    expect(s.bytesRead).toBe(TAG_PREFIX_BYTES);

    const cut = whole.subarray(0, whole.length - 1000);
    const c = source(cut);
    expect(await outcome(readDicomTagsFrom(c, 'CT1'))).toBe(await outcome(readDicomTags(cut, 'CT1')));
    expect(c.bytesRead).toBe(TAG_PREFIX_BYTES);
  });

  it('falls back to the whole file when the head does not settle it', async () => {
    // A header longer than the head: a big private element before the pixels.
    const big = writeTestDicom(
      [
        { tag: 0x00080018, vr: 'UI', value: '1.2.3.4.6' },
        { tag: 0x00291010, vr: 'OB', value: new Uint8Array(TAG_PREFIX_BYTES * 2) },
        { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(300_000) },
      ],
      { meta: { transferSyntaxUid: '1.2.840.10008.1.2.1' } },
    );
    const s = source(big);
    expect(await readDicomTagsFrom(s, 'BIG')).toEqual(await readDicomTags(big, 'BIG'));
    expect(s.bytesRead).toBe(TAG_PREFIX_BYTES + big.length);
  });

  it.skipIf(!hasCorpus)('gives the same answer as reading the whole file, for every file of the corpus and cut copies', async () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
    let saved = 0;
    for (const path of walk(corpusDir)) {
      const bytes = new Uint8Array(readFileSync(path));
      for (const b of [bytes, bytes.subarray(0, Math.floor(bytes.length * 0.9)), bytes.subarray(0, bytes.length - 4)]) {
        const s = source(b);
        expect(await outcome(readDicomTagsFrom(s, 'f')), path).toEqual(await outcome(readDicomTags(b, 'f')));
        saved += b.length - s.bytesRead;
      }
    }
    // Most of the big files' bytes were never read.
    expect(saved).toBeGreaterThan(1_000_000);
  });
});
