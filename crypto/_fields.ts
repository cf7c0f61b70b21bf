import { concatBytes, utf8, writeU32 } from './_bytes.ts';

/**
 * Canonical, injective encoding of a domain label and fields, used for every
 * AAD, HKDF info and signed message:
 *
 *   | label len (u32 BE) | label | field len (u32 BE) | field | ... |
 *
 * Length prefixes make ("ab","c") and ("a","bc") encode differently, and the
 * label keeps a signature or AAD of one purpose from being valid for another.
 */
export function encodeFields(label: string, ...fields: (string | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const field of [label, ...fields]) {
    const bytes = typeof field === 'string' ? utf8(field) : field;
    const len = new Uint8Array(4);
    writeU32(len, 0, bytes.length);
    parts.push(len, bytes);
  }
  return concatBytes(...parts);
}

/** IDs that appear in public headers: ASCII letters, digits, '-' and '_' only. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export function assertId(value: unknown, title: string): asserts value is string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new TypeError(`${title} must be 1-128 characters of A-Z a-z 0-9 - _`);
  }
}
