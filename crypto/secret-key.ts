import { sha256 } from '@noble/hashes/sha2.js';
import { abytes, concatBytes, utf8 } from './_bytes.ts';
import { systemRandom, type RandomSource } from './random.ts';

/**
 * The Secret Key: 128 random bits made on the first device, never sent to the
 * server, mixed into every password derivation (two-secret derivation), so a
 * stolen server database cannot be brute-forced by guessing passwords alone.
 *
 * Text form, version 1: "K1-" then 30 Crockford base32 characters in six
 * groups of five, e.g. K1-4Q2VD-8J0TZ-MX9RA-C3N7B-KW5YE-HPG61.
 *
 *   | key (128 bits) | checksum (22 bits) |   → 150 bits → 30 characters
 *   checksum = first 22 bits of SHA-256("kura/secret-key/v1" ‖ key)
 *
 * Crockford's alphabet leaves out I, L, O and U; when parsing, O reads as 0
 * and I/L as 1, so the usual misreadings of a printed kit still work.
 */
export type SecretKey = Uint8Array & { readonly __brand: 'SecretKey' };

export const SECRET_KEY_BYTES = 16;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PREFIX = 'K1';
const CHARS = 30;
const CHECK_BITS = 22;

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

export function generateSecretKey(rng: RandomSource = systemRandom): SecretKey {
  return rng(SECRET_KEY_BYTES) as SecretKey;
}

function checksumBits(key: Uint8Array): number {
  const h = sha256(concatBytes(utf8('kura/secret-key/v1'), key));
  return ((h[0]! << 14) | (h[1]! << 6) | (h[2]! >> 2)) >>> 0;
}

export function formatSecretKey(key: SecretKey): string {
  abytes(key, SECRET_KEY_BYTES, 'secret key');
  // 150 bits as a big integer is simplest to slice into 5-bit characters.
  let n = 0n;
  for (const b of key) n = (n << 8n) | BigInt(b);
  n = (n << BigInt(CHECK_BITS)) | BigInt(checksumBits(key));
  let chars = '';
  for (let i = CHARS - 1; i >= 0; i--) chars += ALPHABET[Number((n >> BigInt(5 * i)) & 31n)];
  const groups = chars.match(/.{5}/g)!;
  return [PREFIX, ...groups].join('-');
}

/** Reads a typed or pasted secret key; every mistake gets a message a person can act on. */
export function parseSecretKey(text: string): SecretKey {
  if (typeof text !== 'string') throw new SecretKeyError('The secret key must be text');
  let s = text.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
  if (s.length === CHARS + PREFIX.length && /^K[0-9]/.test(s) && !s.startsWith(PREFIX)) {
    throw new SecretKeyError(`This secret key is version ${s[1]}, which this version of Kura cannot read`);
  }
  // The prefix is optional when typing; a bare key may itself start with "K1", so strip only when the length says so.
  if (s.length !== CHARS && s.startsWith(PREFIX)) s = s.slice(PREFIX.length);
  if (s.length !== CHARS) {
    throw new SecretKeyError(
      `The secret key has ${CHARS} characters after K1 (six groups of five); this one has ${s.length}`,
    );
  }
  let n = 0n;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!.replace('O', '0').replace(/[IL]/, '1');
    const v = ALPHABET.indexOf(c);
    if (v < 0) {
      const group = Math.floor(i / 5) + 1;
      throw new SecretKeyError(`The character "${s[i]}" in group ${group} is not used in secret keys`);
    }
    n = (n << 5n) | BigInt(v);
  }
  const check = Number(n & BigInt((1 << CHECK_BITS) - 1));
  n >>= BigInt(CHECK_BITS);
  const key = new Uint8Array(SECRET_KEY_BYTES);
  for (let i = SECRET_KEY_BYTES - 1; i >= 0; i--) {
    key[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  if (checksumBits(key) !== check) {
    throw new SecretKeyError('The secret key has a typo: compare each group with the Recovery Kit');
  }
  return key as SecretKey;
}
