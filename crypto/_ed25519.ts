import { ed25519 } from '@noble/curves/ed25519.js';
import { bufferSource, fromHex, toBase64Url, toHex } from './_bytes.ts';

/**
 * Ed25519 verification through WebCrypto where the platform has it (Node 20,
 * Chromium 137+, Firefox 129+, Safari 17+): it ran ~20x faster than
 * @noble/curves here (bench/RESULTS.md), and the server checks the signature
 * of every record pushed. Falls back to noble elsewhere; both follow RFC 8032
 * and reject non-canonical signatures.
 */
let support: Promise<boolean> | undefined;

/**
 * Imported public keys, by their hex: a device's key verifies many records
 * in a row, and importKey costs about as much as a verify. Bounded, oldest
 * dropped first.
 */
const imported = new Map<string, Promise<CryptoKey>>();
const MAX_IMPORTED = 1024;

function importPublicKey(publicKey: Uint8Array): Promise<CryptoKey> {
  const id = toHex(publicKey);
  let key = imported.get(id);
  if (!key) {
    key = globalThis.crypto.subtle.importKey('raw', bufferSource(publicKey.slice()), 'Ed25519', false, ['verify']);
    if (imported.size >= MAX_IMPORTED) imported.delete(imported.keys().next().value!);
    imported.set(id, key);
    key.catch(() => imported.delete(id));
  }
  return key;
}

function webCryptoHasEd25519(): Promise<boolean> {
  // RFC 8032 §7.1 test 1 public key: a valid point any implementation imports.
  const probe = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  support ??= globalThis.crypto.subtle.importKey('raw', bufferSource(probe), 'Ed25519', false, ['verify']).then(
    () => true,
    () => false,
  );
  return support;
}

export async function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    if (await webCryptoHasEd25519()) {
      const key = await importPublicKey(publicKey);
      return await globalThis.crypto.subtle.verify('Ed25519', key, bufferSource(signature), bufferSource(message));
    }
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false; // a malformed key or signature
  }
}

/**
 * Synchronous check for the rare, latency-bound signatures (a login or a
 * share open): noble, strict RFC 8032 (no ZIP-215 leniency), false for any
 * malformed input.
 */
export function verifyEd25519Now(publicKey: Uint8Array, message: Uint8Array, signature: unknown): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/**
 * Imported signing keys, by the secret key's own array: a device signs every
 * record it writes with one key. Weakly held, so the CryptoKey goes when the
 * vault drops (and zeroes) its copy of the secret at lock.
 */
const signing = new WeakMap<Uint8Array, Promise<CryptoKey | null>>();

function importSecretKey(secretKey: Uint8Array): Promise<CryptoKey | null> {
  let key = signing.get(secretKey);
  if (!key) {
    const b64 = (bytes: Uint8Array) => toBase64Url(bytes);
    // WebCrypto imports an Ed25519 secret only as JWK or PKCS#8, with its public half.
    const jwk = { kty: 'OKP', crv: 'Ed25519', d: b64(secretKey), x: b64(ed25519.getPublicKey(secretKey)) };
    key = webCryptoHasEd25519().then((has) => (has ? globalThis.crypto.subtle.importKey('jwk', jwk, 'Ed25519', false, ['sign']) : null));
    signing.set(secretKey, key);
  }
  return key;
}

/**
 * Ed25519 signature through WebCrypto where the platform has it (~6x faster
 * than noble here; an import signs thousands of records), else noble. Both
 * are RFC 8032, deterministic: the same bytes either way.
 */
export async function signEd25519(secretKey: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  const key = await importSecretKey(secretKey);
  if (!key) return ed25519.sign(message, secretKey);
  return new Uint8Array(await globalThis.crypto.subtle.sign('Ed25519', key, bufferSource(message)));
}
