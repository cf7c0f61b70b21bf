import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { abytes, concatBytes, equalBytes, readU32, readU64, writeU32, writeU64, zero } from './_bytes.ts';
import { signEd25519, verifyEd25519 } from './_ed25519.ts';
import { encodeFields, ID_PATTERN } from './_fields.ts';
import { deriveKey } from './_kdf.ts';
import { IntegrityError } from './integrity-error.ts';
import { assertKey, type DocumentKey } from './keys.ts';
import { padmeLength } from './padding.ts';
import { PATIENT_KEY_LENGTH } from './patient-key.ts';
import { systemRandom, type RandomSource } from './random.ts';

/**
 * The record: the unit of sync, an encrypted envelope in a facility's
 * append-only log. The server reads the public header (to index, check the
 * device chain and bill) and verifies the signature; only holders of the
 * document key read the body.
 *
 * Byte layout, version 1:
 *
 *   | 0x01 | facilityId | recordId | docId | patientKey | kind | keyId | deviceId |  each: len (u8) ‖ ASCII
 *   | deviceSeq (u64 BE) | prevHash (32) |              ← public header, also the AEAD's AAD
 *   | nonce (24) | ciphertext length (u32 BE) | ciphertext ‖ tag (16) |
 *   | signature (64) |  Ed25519 over fields("kura/record-sig/v1", all bytes before it)
 *
 * Plaintext inside the AEAD: | body length (u32 BE) | body | zeros to Padmé(4 + length, min 64) |
 * so the ciphertext shows the body's size only roughly.
 *
 * recordKey = HKDF(documentKey, "kura/record/v1"); recordHash = SHA-256(sealed record).
 * Each device numbers its records 1, 2, 3… (deviceSeq) and links each to the
 * hash of its previous one (prevHash; 32 zero bytes for the first), so any
 * client can detect a record that the server withheld, replayed or reordered.
 */
export interface RecordHeader {
  readonly facilityId: string;
  readonly recordId: string;
  readonly docId: string;
  /** The patient key, or '' for a facility-wide document (settings, members). */
  readonly patientKey: string;
  readonly kind: string;
  readonly keyId: string;
  readonly deviceId: string;
  readonly deviceSeq: number;
  readonly prevHash: Uint8Array;
}

export const RECORD_V1 = 0x01;
export const GENESIS_HASH: Uint8Array = new Uint8Array(32);
const KIND_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
const PATIENT_KEY_PATTERN = new RegExp(`^(|[A-Za-z0-9_-]{${PATIENT_KEY_LENGTH}})$`);
const MIN_PADDED = 64;
/** Records are small (metadata, Yjs updates); bulk bytes go in blobs. */
export const MAX_RECORD_BODY = 4 * 1024 * 1024;

const STRING_FIELDS = ['facilityId', 'recordId', 'docId', 'patientKey', 'kind', 'keyId', 'deviceId'] as const;

function checkHeader(h: RecordHeader): void {
  for (const name of STRING_FIELDS) {
    const value = h[name];
    const ok =
      typeof value === 'string' &&
      (name === 'patientKey' ? PATIENT_KEY_PATTERN : name === 'kind' ? KIND_PATTERN : ID_PATTERN).test(value);
    if (!ok) throw new TypeError(`record header ${name} is not valid`);
  }
  if (!Number.isSafeInteger(h.deviceSeq) || h.deviceSeq < 1) throw new TypeError('deviceSeq must be an integer ≥ 1');
  abytes(h.prevHash, 32, 'prevHash');
}

function encodeHeader(h: RecordHeader): Uint8Array {
  checkHeader(h);
  const parts: Uint8Array[] = [new Uint8Array([RECORD_V1])];
  for (const name of STRING_FIELDS) {
    const value = h[name];
    const field = new Uint8Array(1 + value.length);
    field[0] = value.length;
    for (let i = 0; i < value.length; i++) field[1 + i] = value.charCodeAt(i);
    parts.push(field);
  }
  const seq = new Uint8Array(8);
  writeU64(seq, 0, h.deviceSeq);
  parts.push(seq, h.prevHash);
  return concatBytes(...parts);
}

interface ParsedRecord {
  header: RecordHeader;
  headerBytes: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  signed: Uint8Array;
  signature: Uint8Array;
}

/** Parses the layout; any malformation is an IntegrityError, as for a bad tag. */
function parseRecord(sealed: Uint8Array): ParsedRecord {
  abytes(sealed, undefined, 'sealed record');
  try {
    if (sealed[0] !== RECORD_V1) throw new IntegrityError();
    let at = 1;
    const strings: Record<string, string> = {};
    for (const name of STRING_FIELDS) {
      const len = sealed[at];
      if (len === undefined || at + 1 + len > sealed.length) throw new IntegrityError();
      strings[name] = String.fromCharCode(...sealed.subarray(at + 1, at + 1 + len));
      at += 1 + len;
    }
    if (at + 8 + 32 + 24 + 4 > sealed.length) throw new IntegrityError();
    const deviceSeq = readU64(sealed, at);
    const prevHash = sealed.slice(at + 8, at + 40);
    at += 40;
    const headerBytes = sealed.subarray(0, at);
    const nonce = sealed.subarray(at, at + 24);
    const ctLength = readU32(sealed, at + 24);
    at += 28;
    if (ctLength < 16 || at + ctLength + 64 !== sealed.length) throw new IntegrityError();
    const ciphertext = sealed.subarray(at, at + ctLength);
    const header = { ...(strings as unknown as RecordHeader), deviceSeq, prevHash };
    checkHeader(header);
    return {
      header,
      headerBytes,
      nonce,
      ciphertext,
      signed: sealed.subarray(0, at + ctLength),
      signature: sealed.subarray(at + ctLength),
    };
  } catch {
    throw new IntegrityError();
  }
}

function signatureMessage(signed: Uint8Array): Uint8Array {
  return encodeFields('kura/record-sig/v1', signed);
}

export interface SealRecordInput {
  readonly header: RecordHeader;
  readonly body: Uint8Array;
  readonly docKey: DocumentKey;
  readonly deviceSecretKey: Uint8Array;
  readonly rng?: RandomSource;
}

export function sealRecord(input: SealRecordInput): Uint8Array {
  const signed = sealUnsigned(input);
  return concatBytes(signed, ed25519.sign(signatureMessage(signed), input.deviceSecretKey));
}

/** Where a device's log stands: its last record's deviceSeq and hash (0 and zeros before the first). */
export interface DeviceChainHead {
  readonly deviceSeq: number;
  readonly prevHash: Uint8Array;
}

/**
 * Seals a run of one device's records in order after `head`: each numbered
 * deviceSeq + 1 and linked to the hash of the one before. The same bytes as
 * sealRecord one by one, faster for a writer of many records (an import):
 * each document's record key is derived once for the run, and signatures go
 * through WebCrypto where it can.
 */
export async function sealRecordRun(
  items: readonly { readonly header: Omit<RecordHeader, 'deviceSeq' | 'prevHash'>; readonly body: Uint8Array; readonly docKey: DocumentKey }[],
  head: DeviceChainHead,
  deviceSecretKey: Uint8Array,
  rng: RandomSource = systemRandom,
): Promise<{ records: Uint8Array[]; head: DeviceChainHead }> {
  abytes(deviceSecretKey, 32, 'device secret key');
  const recordKeys = new Map<DocumentKey, Uint8Array>();
  const records: Uint8Array[] = [];
  let { deviceSeq, prevHash } = head;
  try {
    for (const { header, body, docKey } of items) {
      let recordKey = recordKeys.get(docKey);
      if (!recordKey) {
        assertKey(docKey, 'document key');
        recordKey = deriveKey(docKey, 'kura/record/v1');
        recordKeys.set(docKey, recordKey);
      }
      deviceSeq += 1;
      const signed = sealUnsignedWith(recordKey, { ...header, deviceSeq, prevHash }, body, rng);
      const sealed = concatBytes(signed, await signEd25519(deviceSecretKey, signatureMessage(signed)));
      prevHash = hashRecord(sealed);
      records.push(sealed);
    }
  } finally {
    for (const key of recordKeys.values()) zero(key);
  }
  return { records, head: { deviceSeq, prevHash } };
}

function sealUnsigned({ header, body, docKey, deviceSecretKey, rng = systemRandom }: SealRecordInput): Uint8Array {
  assertKey(docKey, 'document key');
  abytes(deviceSecretKey, 32, 'device secret key');
  const recordKey = deriveKey(docKey, 'kura/record/v1');
  try {
    return sealUnsignedWith(recordKey, header, body, rng);
  } finally {
    zero(recordKey);
  }
}

function sealUnsignedWith(recordKey: Uint8Array, header: RecordHeader, body: Uint8Array, rng: RandomSource): Uint8Array {
  abytes(body, undefined, 'record body');
  if (body.length > MAX_RECORD_BODY) throw new RangeError(`a record body is at most ${MAX_RECORD_BODY} bytes`);
  const headerBytes = encodeHeader(header);
  const padded = new Uint8Array(padmeLength(4 + body.length, MIN_PADDED));
  writeU32(padded, 0, body.length);
  padded.set(body, 4);
  const nonce = rng(24);
  const ciphertext = xchacha20poly1305(recordKey, nonce, headerBytes).encrypt(padded);
  zero(padded);
  const ctLength = new Uint8Array(4);
  writeU32(ctLength, 0, ciphertext.length);
  return concatBytes(headerBytes, nonce, ctLength, ciphertext);
}

/**
 * Reads the public header without authenticating it. For routing and
 * indexing only: call verifyRecordSignature (server) or openRecord (client)
 * before trusting any field.
 */
export function parseRecordHeader(sealed: Uint8Array): RecordHeader {
  return parseRecord(sealed).header;
}

/** What the server can check: the record is well formed and signed by this device key. */
export async function verifyRecordSignature(sealed: Uint8Array, devicePublicKey: Uint8Array): Promise<RecordHeader> {
  return (await verifyParsed(parseRecord(sealed), devicePublicKey)).header;
}

/**
 * A sealed record split for a verifier of its own: the header (untrusted
 * until the signature holds), the exact message signed and the signature.
 * For a server that checks signatures with its platform's Ed25519 (Node's,
 * on its thread pool) instead of verifyRecordSignature; malformed bytes are
 * an IntegrityError, as there.
 */
export function parseSignedRecord(sealed: Uint8Array): { header: RecordHeader; message: Uint8Array; signature: Uint8Array } {
  const { header, signed, signature } = parseRecord(sealed);
  return { header, message: signatureMessage(signed), signature };
}

async function verifyParsed(parsed: ParsedRecord, devicePublicKey: Uint8Array): Promise<ParsedRecord> {
  abytes(devicePublicKey, 32, 'device public key');
  if (!(await verifyEd25519(devicePublicKey, signatureMessage(parsed.signed), parsed.signature))) throw new IntegrityError();
  return parsed;
}

export interface OpenRecordInput {
  readonly docKey: DocumentKey;
  readonly devicePublicKey: Uint8Array;
  /** Where the reader found the record; a record moved elsewhere fails. */
  readonly expect: { readonly facilityId: string; readonly docId?: string; readonly patientKey?: string };
}

/** Parse → verify signature → check context → decrypt; all or nothing. */
export async function openRecord(
  sealed: Uint8Array,
  { docKey, devicePublicKey, expect }: OpenRecordInput,
): Promise<{ header: RecordHeader; body: Uint8Array }> {
  assertKey(docKey, 'document key');
  const { header, headerBytes, nonce, ciphertext } = await verifyParsed(parseRecord(sealed), devicePublicKey);
  if (
    header.facilityId !== expect.facilityId ||
    (expect.docId !== undefined && header.docId !== expect.docId) ||
    (expect.patientKey !== undefined && header.patientKey !== expect.patientKey)
  ) {
    throw new IntegrityError();
  }
  const recordKey = deriveKey(docKey, 'kura/record/v1');
  let padded: Uint8Array;
  try {
    padded = xchacha20poly1305(recordKey, nonce, headerBytes).decrypt(ciphertext);
  } catch {
    throw new IntegrityError();
  } finally {
    zero(recordKey);
  }
  const length = readU32(padded, 0);
  if (padded.length !== padmeLength(4 + length, MIN_PADDED) || padded.subarray(4 + length).some((b) => b !== 0)) {
    zero(padded);
    throw new IntegrityError();
  }
  return { header, body: padded.slice(4, 4 + length) };
}

export function hashRecord(sealed: Uint8Array): Uint8Array {
  abytes(sealed, undefined, 'sealed record');
  return sha256(sealed);
}

/**
 * Checks that `next` directly follows the device's previous record (or is the
 * device's first). Throws IntegrityError on a gap, a replay or a fork.
 */
export function checkDeviceChain(
  previous: { readonly deviceSeq: number; readonly hash: Uint8Array } | null,
  next: RecordHeader,
): void {
  const expectedSeq = previous === null ? 1 : previous.deviceSeq + 1;
  const expectedHash = previous === null ? GENESIS_HASH : previous.hash;
  if (next.deviceSeq !== expectedSeq || !equalBytes(next.prevHash, expectedHash)) throw new IntegrityError();
}
