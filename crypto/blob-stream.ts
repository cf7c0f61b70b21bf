import { abytes, bufferSource, concatBytes, equalBytes, readU64, writeU64, zero } from './_bytes.ts';
import { ByteQueue, type ByteSource } from './_byte-queue.ts';
import { assertId } from './_fields.ts';
import { deriveKey } from './_kdf.ts';
import { IntegrityError } from './integrity-error.ts';
import { assertKey, type DocumentKey } from './keys.ts';
import { padmeLength } from './padding.ts';
import { systemRandom, type RandomSource } from './random.ts';

/**
 * Blob stream: the encrypted bytes of one file (a DICOM instance, a photo, a
 * PDF). The STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár
 * (as in age), with AES-256-GCM through WebCrypto, which ran ~10x faster
 * than a JavaScript cipher here (bench/RESULTS.md).
 *
 * Byte layout, version 1:
 *
 *   | 0x01 | salt (16) | commitment (32) |                      header, 49 bytes
 *   | segment 0: ciphertext (65,536) ‖ tag (16) | segment 1 | … | last segment: 1..65,536 ‖ tag |
 *
 *   (aesKey ‖ commitment) = HKDF-SHA256(documentKey, salt, fields("kura/blob/v1", blobId), 64 bytes)
 *   nonce of segment i    = i as 88-bit big-endian counter ‖ (0x01 if last else 0x00)
 *
 * A fresh salt per blob gives a fresh key per blob, so counter nonces never
 * repeat under one key. The commitment binds the header to the key (a
 * ciphertext cannot decrypt under two keys, and a changed salt or version
 * fails before any segment). The last-segment flag makes truncation at a
 * segment boundary, appending, dropping and reordering fail.
 *
 * The segmented plaintext is | length (u64 BE) | file bytes | zeros |, padded
 * to Padmé(8 + length, min 512): the server sees the file's size only roughly.
 */
export const BLOB_V1 = 0x01;
export const SEGMENT_BYTES = 65536;
const TAG_BYTES = 16;
const SALT_BYTES = 16;
export const BLOB_HEADER_BYTES = 1 + SALT_BYTES + 32;
const LENGTH_BYTES = 8;
const MIN_PADDED = 512;
/** Segments handed to WebCrypto at once: it runs them on other threads. */
const DEFAULT_CONCURRENCY = 6;

export interface BlobStreamOptions {
  readonly rng?: RandomSource;
  readonly concurrency?: number;
}

/** The exact number of ciphertext bytes for a file of `plaintextBytes`. */
export function blobCiphertextSize(plaintextBytes: number): number {
  const padded = padmeLength(LENGTH_BYTES + plaintextBytes, MIN_PADDED);
  return BLOB_HEADER_BYTES + padded + Math.ceil(padded / SEGMENT_BYTES) * TAG_BYTES;
}

async function deriveBlobKey(docKey: DocumentKey, blobId: string, salt: Uint8Array) {
  const okm = deriveKey(docKey, 'kura/blob/v1', { salt, context: [blobId], length: 64 });
  try {
    const aesKey = await globalThis.crypto.subtle.importKey('raw', bufferSource(okm.subarray(0, 32)), 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
    return { aesKey, commitment: okm.slice(32) };
  } finally {
    zero(okm);
  }
}

function segmentNonce(index: number, last: boolean): Uint8Array<ArrayBuffer> {
  const nonce = new Uint8Array(12);
  writeU64(nonce, 3, index);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Runs up to `limit` promises ahead and yields their results in order. */
class OrderedWindow {
  private queue: Promise<Uint8Array>[] = [];
  constructor(private readonly limit: number) {}
  get full(): boolean {
    return this.queue.length >= this.limit;
  }
  get size(): number {
    return this.queue.length;
  }
  add(p: Promise<Uint8Array>): void {
    // Rejections are observed when the promise reaches the front.
    p.catch(() => undefined);
    this.queue.push(p);
  }
  next(): Promise<Uint8Array> {
    return this.queue.shift()!;
  }
}

function checkConcurrency(n: number | undefined): number {
  const c = n ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(c) || c < 1 || c > 64) throw new RangeError('concurrency must be 1-64');
  return c;
}

/**
 * Encrypts a file of known size from a stream of chunks, yielding ciphertext
 * pieces (the header, then each segment) in order, holding only a few
 * segments in memory.
 */
export async function* encryptBlobStream(
  docKey: DocumentKey,
  blobId: string,
  source: { readonly size: number; readonly chunks: ByteSource },
  options: BlobStreamOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  assertKey(docKey, 'document key');
  assertId(blobId, 'blobId');
  const size = source.size;
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('size must be a non-negative integer');
  const inFlight = new OrderedWindow(checkConcurrency(options.concurrency));
  const salt = (options.rng ?? systemRandom)(SALT_BYTES);
  const { aesKey, commitment } = await deriveBlobKey(docKey, blobId, salt);
  yield concatBytes(new Uint8Array([BLOB_V1]), salt, commitment);

  const padded = padmeLength(LENGTH_BYTES + size, MIN_PADDED);
  const segments = Math.ceil(padded / SEGMENT_BYTES);
  const encrypt = (index: number, plain: Uint8Array) =>
    globalThis.crypto.subtle
      .encrypt({ name: 'AES-GCM', iv: segmentNonce(index, index === segments - 1) }, aesKey, bufferSource(plain))
      .then((ct) => new Uint8Array(ct));

  let index = 0;
  let filled = LENGTH_BYTES;
  let segment = new Uint8Array(Math.min(SEGMENT_BYTES, padded));
  writeU64(segment, 0, size);
  let seen = 0;
  for await (const chunk of source.chunks) {
    abytes(chunk, undefined, 'chunk');
    seen += chunk.length;
    if (seen > size) throw new RangeError(`the source has more than the ${size} bytes announced`);
    let at = 0;
    while (at < chunk.length) {
      const n = Math.min(chunk.length - at, segment.length - filled);
      segment.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === segment.length) {
        inFlight.add(encrypt(index, segment));
        index++;
        const remaining = padded - index * SEGMENT_BYTES;
        segment = new Uint8Array(Math.min(SEGMENT_BYTES, Math.max(remaining, 0)));
        filled = 0;
        if (inFlight.full) yield await inFlight.next();
      }
    }
  }
  if (seen !== size) throw new RangeError(`the source ended after ${seen} of the ${size} bytes announced`);
  // The rest is zero padding: the fresh segment buffers are already zeros.
  while (index < segments) {
    inFlight.add(encrypt(index, segment));
    index++;
    segment = new Uint8Array(Math.min(SEGMENT_BYTES, Math.max(0, padded - index * SEGMENT_BYTES)));
    if (inFlight.full) yield await inFlight.next();
  }
  while (inFlight.size > 0) yield await inFlight.next();
}

/**
 * Decrypts a blob from ciphertext in any chunking, yielding file bytes in
 * order as each segment authenticates. A stream that was cut, extended or
 * reordered throws IntegrityError before it ends; a consumer that must never
 * act on an incomplete file (an export, a viewer) either uses decryptBlob or
 * commits what it received only when the iteration completes.
 */
export async function* decryptBlobStream(
  docKey: DocumentKey,
  blobId: string,
  source: ByteSource,
  options: Omit<BlobStreamOptions, 'rng'> = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  assertKey(docKey, 'document key');
  assertId(blobId, 'blobId');
  const inFlight = new OrderedWindow(checkConcurrency(options.concurrency));
  const queue = new ByteQueue();
  const it = (Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]()) as
    | AsyncIterator<Uint8Array>
    | Iterator<Uint8Array>;
  let ended = false;
  const pull = async (): Promise<void> => {
    const r = await it.next();
    if (r.done) ended = true;
    else {
      abytes(r.value, undefined, 'chunk');
      queue.push(r.value);
    }
  };

  while (!ended && queue.length < BLOB_HEADER_BYTES) await pull();
  if (queue.length < BLOB_HEADER_BYTES) throw new IntegrityError();
  const header = queue.take(BLOB_HEADER_BYTES);
  if (header[0] !== BLOB_V1) throw new IntegrityError();
  const { aesKey, commitment } = await deriveBlobKey(docKey, blobId, header.subarray(1, 1 + SALT_BYTES));
  if (!equalBytes(commitment, header.subarray(1 + SALT_BYTES))) throw new IntegrityError();

  const decrypt = (index: number, last: boolean, ct: Uint8Array) =>
    globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv: segmentNonce(index, last) }, aesKey, bufferSource(ct)).then(
      (pt) => new Uint8Array(pt),
      () => {
        throw new IntegrityError();
      },
    );

  const FULL = SEGMENT_BYTES + TAG_BYTES;
  let index = 0;
  let lastQueued = false;
  // Plaintext bookkeeping: the first 8 bytes give the file length; bytes after it must be zero padding.
  let fileLength = -1;
  let position = 0; // bytes of padded plaintext seen so far
  const consume = (plain: Uint8Array): Uint8Array | null => {
    let body = plain;
    if (position === 0) {
      if (plain.length < LENGTH_BYTES) throw new IntegrityError();
      fileLength = readU64(plain, 0);
      body = plain.subarray(LENGTH_BYTES);
      position = LENGTH_BYTES;
    }
    const dataEnd = LENGTH_BYTES + fileLength;
    const dataBytes = Math.max(0, Math.min(body.length, dataEnd - position));
    for (let i = dataBytes; i < body.length; i++) if (body[i] !== 0) throw new IntegrityError();
    position += body.length;
    return dataBytes > 0 ? body.subarray(0, dataBytes) : null;
  };

  while (!lastQueued) {
    while (!ended && queue.length <= FULL) await pull();
    if (queue.length > FULL) {
      inFlight.add(decrypt(index++, false, queue.take(FULL)));
    } else {
      // The input ended: what is left must be the final, flagged segment.
      if (queue.length <= TAG_BYTES) throw new IntegrityError();
      inFlight.add(decrypt(index++, true, queue.take(queue.length)));
      lastQueued = true;
    }
    if (inFlight.full) {
      const out = consume(await inFlight.next());
      if (out) yield out;
    }
  }
  while (inFlight.size > 0) {
    const out = consume(await inFlight.next());
    if (out) yield out;
  }
  if (fileLength < 0 || position !== padmeLength(LENGTH_BYTES + fileLength, MIN_PADDED)) throw new IntegrityError();
}

async function collect(pieces: AsyncIterable<Uint8Array>, size?: number): Promise<Uint8Array> {
  if (size !== undefined) {
    const out = new Uint8Array(size);
    let at = 0;
    for await (const p of pieces) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
  const parts: Uint8Array[] = [];
  for await (const p of pieces) parts.push(p);
  return concatBytes(...parts);
}

/** Encrypts a whole file held in memory. */
export function encryptBlob(
  docKey: DocumentKey,
  blobId: string,
  plaintext: Uint8Array,
  options: BlobStreamOptions = {},
): Promise<Uint8Array> {
  abytes(plaintext, undefined, 'plaintext');
  return collect(
    encryptBlobStream(docKey, blobId, { size: plaintext.length, chunks: [plaintext] }, options),
    blobCiphertextSize(plaintext.length),
  );
}

/** Decrypts a whole blob: returns the file only if every segment authenticates. */
export async function decryptBlob(
  docKey: DocumentKey,
  blobId: string,
  ciphertext: Uint8Array,
  options: Omit<BlobStreamOptions, 'rng'> = {},
): Promise<Uint8Array> {
  abytes(ciphertext, undefined, 'ciphertext');
  const parts: Uint8Array[] = [];
  try {
    for await (const p of decryptBlobStream(docKey, blobId, [ciphertext], options)) parts.push(p);
  } catch (e) {
    zero(...parts);
    throw e;
  }
  return concatBytes(...parts);
}
