import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes } from './_bytes.ts';
import { seededRandom } from './_seeded-random.ts';
import { addressOf, isBlobAddress, PART_BYTES, splitIntoParts, verifyPart, type BlobPart } from './blob-parts.ts';
import { decryptBlobStream, encryptBlobStream } from './blob-stream.ts';
import { IntegrityError } from './integrity-error.ts';
import { generateDocumentKey } from './keys.ts';

const rng = seededRandom('parts');

describe('blob parts', () => {
  it('address parts by the SHA-256 of their bytes', async () => {
    const bytes = rng(1000);
    const address = await addressOf(bytes);
    expect(address).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(isBlobAddress(address)).toBe(true);
    expect(isBlobAddress('../etc/passwd')).toBe(false);
    await verifyPart(bytes, address);
    const flipped = bytes.slice();
    flipped[0]! ^= 1;
    await expect(verifyPart(flipped, address)).rejects.toThrow(IntegrityError);
  });

  it('encrypt → parts → decrypt streams a file without holding it twice', async () => {
    const key = generateDocumentKey(rng);
    const pt = rng(3 * PART_BYTES + 12345);
    const parts: BlobPart[] = [];
    const source = { size: pt.length, chunks: [pt.subarray(0, 777), pt.subarray(777)] };
    for await (const part of splitIntoParts(encryptBlobStream(key, 'b', source))) parts.push(part);
    expect(parts.map((p) => p.index)).toEqual([0, 1, 2, 3]);
    expect(parts.slice(0, 3).every((p) => p.bytes.length === PART_BYTES)).toBe(true);
    for (const p of parts) expect(p.address).toBe(await addressOf(p.bytes));
    const out: Uint8Array[] = [];
    for await (const chunk of decryptBlobStream(key, 'b', parts.map((p) => p.bytes))) out.push(chunk);
    // equalBytes: vitest's deep equality walks typed arrays element by element, too slow for megabytes.
    expect(equalBytes(concatBytes(...out), pt)).toBe(true);
  });
});
