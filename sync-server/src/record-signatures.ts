import { createPublicKey, verify, type KeyObject } from 'node:crypto';

// Record signatures checked with Node's own Ed25519 (OpenSSL) instead of
// crypto/'s verifyEd25519. Both call the same OpenSSL routine on Node, so a
// signature passes or fails the same way (RFC 8032, non-canonical S refused);
// what changes is where and how often the work runs:
//
// - crypto.verify with a callback runs on libuv's thread pool, so the 100
//   checks of a batch spread over every core while the main thread parses,
//   hashes and serves other requests. A push of 100 records spent ~8.6 ms of
//   its ~11 ms in verification (bench/RESULTS.md).
// - A device's key is turned into a KeyObject once and reused: it verifies
//   many batches in a row, and building the key costs as much as a check.
//
// crypto/ stays free of Node APIs; it hands over the exact signed message
// (parseSignedRecord) and this file does the rest.

/** DER of SubjectPublicKeyInfo for Ed25519 (RFC 8410 §4) up to the 32 key bytes. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Device keys by their bytes (hex). Bounded, oldest dropped first: devices number in the hundreds. */
const keys = new Map<string, KeyObject | null>();
const MAX_KEYS = 1024;

/** The device key as a KeyObject, or null for bytes that are not an Ed25519 public key. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject | null {
  if (raw.length !== 32) return null;
  const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex');
  let key = keys.get(id);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
    } catch {
      key = null;
    }
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
    keys.set(id, key);
  }
  return key;
}

/**
 * Checks an Ed25519 signature on the thread pool. Resolves false, never
 * rejects, for a wrong or malformed signature, like crypto/'s verifyEd25519.
 */
export function verifyEd25519OnPool(key: KeyObject, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (signature.length !== 64) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify(null, message, key, signature, (error, ok) => resolve(!error && ok));
    } catch {
      resolve(false);
    }
  });
}
