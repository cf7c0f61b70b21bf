import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64Url, utf8 } from './_bytes.ts';
import { assertId, encodeFields } from './_fields.ts';

/**
 * Members sign in with their name, but the server keeps no staff names: it
 * finds a member by this handle, 16 bytes of
 * SHA-256(fields("kura/member-handle/v1", facilityId, normalised name)).
 * The name is normalised like a person types it: NFKC, trimmed, inner white
 * space collapsed, case folded ("Dr.  Sato" = "dr. sato").
 */
export class MemberNameError extends Error {
  override name = 'MemberNameError';
}

export function normaliseMemberName(name: string): string {
  if (typeof name !== 'string') throw new MemberNameError('The name must be text');
  const n = name.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
  if (n.length === 0) throw new MemberNameError('The name is empty');
  if (n.length > 100) throw new MemberNameError('The name is longer than 100 characters');
  return n;
}

export function deriveMemberHandle(facilityId: string, name: string): string {
  assertId(facilityId, 'facilityId');
  return toBase64Url(sha256(encodeFields('kura/member-handle/v1', facilityId, utf8(normaliseMemberName(name)))).subarray(0, 16));
}
