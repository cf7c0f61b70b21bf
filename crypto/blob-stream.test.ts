import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, fromHex } from './_bytes.ts';
import { seededRandom } from './_seeded-random.ts';
import {
  BLOB_HEADER_BYTES,
  blobCiphertextSize,
  decryptBlob,
  decryptBlobStream,
  encryptBlob,
  encryptBlobStream,
  SEGMENT_BYTES,
} from './blob-stream.ts';
import { IntegrityError } from './integrity-error.ts';
import { generateDocumentKey, type DocumentKey } from './keys.ts';
import { patternBytes } from './vectors/formats.ts';

const rng = seededRandom('blobs');
const key = generateDocumentKey(rng);
const FULL = SEGMENT_BYTES + 16;

function segments(ct: Uint8Array): { header: Uint8Array; segs: Uint8Array[] } {
  const segs: Uint8Array[] = [];
  for (let at = BLOB_HEADER_BYTES; at < ct.length; at += FULL) segs.push(ct.subarray(at, Math.min(ct.length, at + FULL)));
  return { header: ct.subarray(0, BLOB_HEADER_BYTES), segs };
}

function* chunked(bytes: Uint8Array, sizes: number[]): Generator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

async function drain(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of it) parts.push(p);
  return concatBytes(...parts);
}

describe('blob stream', () => {
  it('round-trips at segment edges and predicts its exact size', async () => {
    for (const n of [0, 1, 503, 504, 505, SEGMENT_BYTES - 8, SEGMENT_BYTES - 7, SEGMENT_BYTES, 3 * SEGMENT_BYTES + 17, 1_000_003]) {
      const pt = rng(n);
      const ct = await encryptBlob(key, 'b1', pt);
      expect(ct.length).toBe(blobCiphertextSize(n));
      expect(equalBytes(await decryptBlob(key, 'b1', ct), pt)).toBe(true);
    }
  });

  it('streams in any chunking, both ways, with any number of segments in flight', async () => {
    const pt = rng(5 * SEGMENT_BYTES + 1234);
    for (const concurrency of [1, 3, 16]) {
      const ct = await drain(
        encryptBlobStream(key, 'b2', { size: pt.length, chunks: chunked(pt, [1, 7000, 65536, 100_001]) }, { concurrency }),
      );
      expect(equalBytes(await drain(decryptBlobStream(key, 'b2', chunked(ct, [3, 65552, 999, 200_000]), { concurrency })), pt)).toBe(true);
    }
  });

  it('hides the exact size: nearby sizes give the same ciphertext length', () => {
    expect(blobCiphertextSize(1_000_000)).toBe(blobCiphertextSize(1_000_100));
    expect(blobCiphertextSize(10)).toBe(blobCiphertextSize(400));
  });

  it('refuses a source that does not match its announced size', async () => {
    await expect(drain(encryptBlobStream(key, 'b', { size: 10, chunks: [new Uint8Array(11)] }))).rejects.toThrow(RangeError);
    await expect(drain(encryptBlobStream(key, 'b', { size: 10, chunks: [new Uint8Array(9)] }))).rejects.toThrow(RangeError);
  });

  describe('rejects every manipulation of segments', async () => {
    const pt = rng(4 * SEGMENT_BYTES + 100);
    const ct = await encryptBlob(key, 'b3', pt);
    const { header, segs } = segments(ct);
    expect(segs.length).toBe(5);
    const cases: Record<string, Uint8Array> = {
      'swapped segments': concatBytes(header, segs[1]!, segs[0]!, ...segs.slice(2)),
      'dropped segment': concatBytes(header, segs[0]!, ...segs.slice(2)),
      'duplicated segment': concatBytes(header, segs[0]!, segs[0]!, ...segs.slice(1)),
      'reordered last segment': concatBytes(header, segs[4]!, ...segs.slice(0, 4)),
      'cut at a segment boundary': concatBytes(header, ...segs.slice(0, 4)),
      'cut inside a segment': ct.subarray(0, ct.length - 5),
      'appended segment': concatBytes(ct, segs[1]!),
      'appended byte': concatBytes(ct, new Uint8Array([0])),
      'header only': header,
      'empty': new Uint8Array(0),
      'segment from another blob': await (async () => {
        const other = segments(await encryptBlob(key, 'b3', rng(pt.length)));
        return concatBytes(header, segs[0]!, other.segs[1]!, ...segs.slice(2));
      })(),
    };
    for (const [name, bad] of Object.entries(cases)) {
      it(name, async () => {
        await expect(decryptBlob(key, 'b3', bad)).rejects.toThrow(IntegrityError);
      });
    }
  });

  it('fails under another key or blob ID, before any segment is opened', async () => {
    const ct = await encryptBlob(key, 'b4', rng(1000));
    await expect(decryptBlob(generateDocumentKey(rng), 'b4', ct)).rejects.toThrow(IntegrityError);
    await expect(decryptBlob(key, 'b5', ct)).rejects.toThrow(IntegrityError);
    const version = ct.slice();
    version[0] = 2;
    await expect(decryptBlob(key, 'b4', version)).rejects.toThrow(IntegrityError);
  });

  it('yields nothing from a stream whose first segment is forged', async () => {
    const ct = (await encryptBlob(key, 'b6', rng(3 * SEGMENT_BYTES))).slice();
    ct[BLOB_HEADER_BYTES + 10]! ^= 1;
    const got: Uint8Array[] = [];
    await expect(
      (async () => {
        for await (const p of decryptBlobStream(key, 'b6', [ct])) got.push(p);
      })(),
    ).rejects.toThrow(IntegrityError);
    expect(got).toEqual([]);
  });

  it('decrypts the frozen v1 vector with today’s reader', async () => {
    const vector = JSON.parse(readFileSync(new URL('./vectors/blob.v1.json', import.meta.url), 'utf8'));
    const c = vector.cases.find((x: { output: { ciphertext?: string } }) => x.output.ciphertext);
    const pt = await decryptBlob(fromHex(c.input.docKey) as DocumentKey, c.input.blobId, fromHex(c.output.ciphertext));
    expect(pt).toEqual(patternBytes(c.input.plaintextBytes));
  });
});
