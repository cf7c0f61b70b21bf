import { toBase64Url, type RandomSource } from '../../../crypto/index.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID (48-bit milliseconds + 80 random bits, Crockford base32): record IDs
 * sort by creation time, and two devices never pick the same one.
 */
export function newRecordId(now: number, random: RandomSource): string {
  let time = '';
  let t = Math.max(0, Math.floor(now));
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const bytes = random(10);
  let bits = 0;
  let value = 0;
  let rest = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      rest += CROCKFORD[(value >>> bits) & 31]!;
    }
    value &= (1 << bits) - 1;
  }
  return time + rest;
}

/** A random ID with a prefix, like the server's: prefix_ + 22 base64url characters (132 bits). */
export function newId(prefix: string, random: RandomSource): string {
  return `${prefix}_${toBase64Url(random(17)).slice(0, 22)}`;
}
