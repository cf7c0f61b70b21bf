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
 *   | 0x01 | salt (16) | commitment (32) | length: ciphertext (8) ‖ tag (16) |     header, 73 bytes
 *   | segment 0: ciphertext (65,536) ‖ tag (16) | segment 1 | … | last segment: 1..65,536 ‖ tag |
 *
 *   (aesKey ‖ commitment) = HKDF-SHA256(documentKey, salt, fields("kura/blob/v1", blobId), 64 bytes)
 *   nonce of segment i    = i as 88-bit big-endian counter ‖ (0x01 if last else 0x00)
 *   nonce of the length   = 0 ‖ 0x02 (a nonce no segment uses)
 *
 * A fresh salt per blob gives a fresh key per blob, so counter nonces never
 * repeat under one key. The commitment binds the header to the key (a
 * ciphertext cannot decrypt under two keys, and a changed salt or version
 * fails before any segment). The last-segment flag makes truncation at a
 * segment boundary, appending, dropping and reordering fail.
 *
 * The segments carry the file bytes followed by zeros up to Padmé(length,
 * min 512), so the server sees the file's size only roughly; the exact length
 * travels encrypted in the header. Keeping it out of the segments keeps them
 * aligned with the file, so full segments are encrypted straight from the
 * caller's buffer without a copy.
 */
export const BLOB_V1 = 0x01;
export const SEGMENT_BYTES = 65536;
const TAG_BYTES = 16;
const SALT_BYTES = 16;
const LENGTH_BYTES = 8;
export const BLOB_HEADER_BYTES = 1 + SALT_BYTES + 32 + LENGTH_BYTES + TAG_BYTES;
const MIN_PADDED = 512;
/** Segments handed to WebCrypto at once: it runs them on other threads. */
const DEFAULT_CONCURRENCY = 8;

export interface BlobStreamOptions {
  readonly rng?: RandomSource;
  readonly concurrency?: number;
}

function paddedLength(plaintextBytes: number): number {
  return padmeLength(plaintextBytes, MIN_PADDED);
}

/** The exact number of ciphertext bytes for a file of `plaintextBytes`. */
export function blobCiphertextSize(plaintextBytes: number): number {
  const padded = paddedLength(plaintextBytes);
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

function nonce(counter: number, flag: 0 | 1 | 2): Uint8Array<ArrayBuffer> {
  const n = new Uint8Array(12);
  writeU64(n, 3, counter);
  n[11] = flag;
  return n;
}

const LENGTH_NONCE_FLAG = 2;

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

function iterate(source: ByteSource): AsyncIterator<Uint8Array> | Iterator<Uint8Array> {
  return Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
}

/**
 * Encrypts a file of known size from a stream of chunks, yielding ciphertext
 * pieces (the header, then each segment) in order, holding only a few
 * segments in memory. Chunks are read, never modified or kept.
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
  const subtle = globalThis.crypto.subtle;
  const lengthBlock = new Uint8Array(LENGTH_BYTES);
  writeU64(lengthBlock, 0, size);
  const sealedLength = new Uint8Array(
    await subtle.encrypt({ name: 'AES-GCM', iv: nonce(0, LENGTH_NONCE_FLAG) }, aesKey, lengthBlock),
  );
  yield concatBytes(new Uint8Array([BLOB_V1]), salt, commitment, sealedLength);

  const padded = paddedLength(size);
  const segments = Math.ceil(padded / SEGMENT_BYTES);
  const segmentLength = (i: number) => Math.min(SEGMENT_BYTES, padded - i * SEGMENT_BYTES);
  let index = 0;
  const encryptNext = (plain: Uint8Array) => {
    const i = index++;
    inFlight.add(
      subtle
        .encrypt({ name: 'AES-GCM', iv: nonce(i, i === segments - 1 ? 1 : 0) }, aesKey, bufferSource(plain))
        .then((ct) => new Uint8Array(ct)),
    );
  };

  // A segment that straddles chunks (or holds padding) is assembled here; one
  // that lies inside a chunk is encrypted from a view (WebCrypto copies its input).
  let partial: Uint8Array | null = null;
  let filled = 0;
  let seen = 0;
  for await (const chunk of source.chunks) {
    abytes(chunk, undefined, 'chunk');
    seen += chunk.length;
    if (seen > size) throw new RangeError(`the source has more than the ${size} bytes announced`);
    let at = 0;
    while (at < chunk.length) {
      const want = segmentLength(index);
      if (partial === null && filled === 0 && chunk.length - at >= want) {
        encryptNext(chunk.subarray(at, at + want));
        at += want;
      } else {
        partial ??= new Uint8Array(want);
        const n = Math.min(chunk.length - at, want - filled);
        partial.set(chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === want) {
          encryptNext(partial);
          partial = null;
          filled = 0;
        }
      }
      if (inFlight.full) yield await inFlight.next();
    }
  }
  if (seen !== size) throw new RangeError(`the source ended after ${seen} of the ${size} bytes announced`);
  // The rest is zero padding: fresh buffers are zeros already.
  while (index < segments) {
    encryptNext(partial ?? new Uint8Array(segmentLength(index)));
    partial = null;
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
  const it = iterate(source);
  let ended = false;
  const fill = async (bytes: number): Promise<void> => {
    while (!ended && queue.length < bytes) {
      const r = await it.next();
      if (r.done) ended = true;
      else {
        abytes(r.value, undefined, 'chunk');
        queue.push(r.value);
      }
    }
    if (queue.length < bytes) throw new IntegrityError();
  };
  const subtle = globalThis.crypto.subtle;
  const open = (iv: Uint8Array<ArrayBuffer>, ct: Uint8Array) =>
    subtle.decrypt({ name: 'AES-GCM', iv }, aesKey, bufferSource(ct)).then(
      (pt) => new Uint8Array(pt),
      () => {
        throw new IntegrityError();
      },
    );

  await fill(BLOB_HEADER_BYTES);
  const header = queue.take(BLOB_HEADER_BYTES);
  if (header[0] !== BLOB_V1) throw new IntegrityError();
  const { aesKey, commitment } = await deriveBlobKey(docKey, blobId, header.subarray(1, 1 + SALT_BYTES));
  if (!equalBytes(commitment, header.subarray(1 + SALT_BYTES, 49))) throw new IntegrityError();
  const size = readU64(await open(nonce(0, LENGTH_NONCE_FLAG), header.subarray(49)), 0);

  const padded = paddedLength(size);
  const segments = Math.ceil(padded / SEGMENT_BYTES);
  let remaining = size; // file bytes still to yield; the rest of each segment must be zero padding
  const consume = (plain: Uint8Array): Uint8Array | null => {
    const data = Math.min(remaining, plain.length);
    for (let i = data; i < plain.length; i++) if (plain[i] !== 0) throw new IntegrityError();
    remaining -= data;
    return data > 0 ? plain.subarray(0, data) : null;
  };
  for (let i = 0; i < segments; i++) {
    const ctBytes = Math.min(SEGMENT_BYTES, padded - i * SEGMENT_BYTES) + TAG_BYTES;
    await fill(ctBytes);
    inFlight.add(open(nonce(i, i === segments - 1 ? 1 : 0), queue.take(ctBytes)));
    if (inFlight.full) {
      const out = consume(await inFlight.next());
      if (out) yield out;
    }
  }
  // Nothing may follow the last segment.
  while (!ended) {
    const r = await it.next();
    if (r.done) ended = true;
    else if (r.value.length > 0) throw new IntegrityError();
  }
  if (queue.length > 0) throw new IntegrityError();
  while (inFlight.size > 0) {
    const out = consume(await inFlight.next());
    if (out) yield out;
  }
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
