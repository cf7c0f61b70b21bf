import { abytes, bufferSource, toHex } from './_bytes.ts';
import { ByteQueue, type ByteSource } from './_byte-queue.ts';
import { IntegrityError } from './integrity-error.ts';

/**
 * Blob ciphertext travels and is stored in parts of 1 MiB (the last one
 * shorter), each addressed by the SHA-256 of its bytes, hex, lowercase:
 * `PUT /blobs/<address>`. Addressing by hash makes uploads idempotent and
 * resumable (a part the server has is not sent again) and lets both sides
 * check every part. Hashing runs through WebCrypto (~10x a JavaScript SHA-256
 * here), on other threads, overlapping with encryption.
 */
export const PART_BYTES = 1024 * 1024;
const ADDRESS_PATTERN = /^[0-9a-f]{64}$/;

export interface BlobPart {
  readonly index: number;
  readonly address: string;
  readonly bytes: Uint8Array;
}

export async function addressOf(bytes: Uint8Array): Promise<string> {
  abytes(bytes, undefined, 'part');
  return toHex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bufferSource(bytes))));
}

export function isBlobAddress(value: unknown): value is string {
  return typeof value === 'string' && ADDRESS_PATTERN.test(value);
}

/** Throws IntegrityError unless `bytes` hash to `address`. */
export async function verifyPart(bytes: Uint8Array, address: string): Promise<void> {
  if (!isBlobAddress(address) || (await addressOf(bytes)) !== address) throw new IntegrityError();
}

/**
 * Cuts a ciphertext stream into addressed parts, hashing up to `concurrency`
 * parts at once while the source keeps producing.
 */
export async function* splitIntoParts(
  ciphertext: ByteSource,
  options: { readonly partBytes?: number; readonly concurrency?: number } = {},
): AsyncGenerator<BlobPart, void, undefined> {
  const partBytes = options.partBytes ?? PART_BYTES;
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(partBytes) || partBytes < 1) throw new RangeError('partBytes must be a positive integer');
  const queue = new ByteQueue();
  const pending: Promise<BlobPart>[] = [];
  let index = 0;
  // Parts may be views of the source's chunks (no copy): the source must not
  // reuse its buffers, which encryptBlobStream never does.
  const start = (bytes: Uint8Array) => {
    const i = index++;
    pending.push(addressOf(bytes).then((address) => ({ index: i, address, bytes })));
  };
  for await (const chunk of ciphertext) {
    queue.push(chunk);
    while (queue.length >= partBytes) {
      start(queue.take(partBytes));
      if (pending.length >= concurrency) yield await pending.shift()!;
    }
  }
  if (queue.length > 0) start(queue.take(queue.length));
  while (pending.length > 0) yield await pending.shift()!;
}
