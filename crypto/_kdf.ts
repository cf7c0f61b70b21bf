import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeFields } from './_fields.ts';

/** HKDF-SHA256 (RFC 5869) with a labelled, length-prefixed info. */
export function deriveKey(
  ikm: Uint8Array,
  label: string,
  options: { salt?: Uint8Array; context?: (string | Uint8Array)[]; length?: number } = {},
): Uint8Array {
  return hkdf(sha256, ikm, options.salt, encodeFields(label, ...(options.context ?? [])), options.length ?? 32);
}
