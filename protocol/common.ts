import { z } from 'zod';

/** Bumped on any incompatible change of the wire contract; sent as `kura-protocol` by clients. */
export const PROTOCOL_VERSION = 1;

/** Unpadded base64url (RFC 4648 §5) of at most `maxBytes` bytes. */
export function base64Url(maxBytes: number, exactBytes?: number) {
  const maxChars = Math.ceil((maxBytes * 4) / 3);
  return z
    .string()
    .max(maxChars)
    .regex(/^[A-Za-z0-9_-]*$/, 'must be base64url without padding')
    .refine((s) => s.length % 4 !== 1, 'is not valid base64url')
    // Canonical only: the unused low bits of the last character are zero, so
    // each byte string has exactly one accepted encoding (RFC 4648 §3.5).
    .refine((s) => (s.length % 4 === 2 ? /[AQgw]$/ : s.length % 4 === 3 ? /[AEIMQUYcgkosw048]$/ : /(?:)/).test(s), {
      message: 'is not canonical base64url',
    })
    .refine((s) => exactBytes === undefined || Math.floor((s.length * 3) / 4) === exactBytes, {
      message: `must encode exactly ${exactBytes} bytes`,
    });
}

/** Server-issued IDs: a prefix, an underscore and 22 base64url characters (132 random bits). */
export function serverId(prefix: 'fac' | 'mem' | 'dev' | 'shr') {
  return z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_-]{22}$`), `must be a ${prefix}_ ID`);
}

export const FacilityId = serverId('fac');
export type FacilityId = z.infer<typeof FacilityId>;
export const MemberId = serverId('mem');
export const DeviceId = serverId('dev');
export const ShareId = serverId('shr');

/** Client-chosen IDs inside records (ULIDs, document IDs): the alphabet crypto/ accepts in headers. */
export const ClientId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 characters of A-Z a-z 0-9 - _');

/** A blob part's address: SHA-256 of its ciphertext, lowercase hex. */
export const BlobAddress = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');

export const Role = z.enum(['admin', 'clinician', 'viewer']);
export type Role = z.infer<typeof Role>;

/** Every 4xx/5xx body: a stable code for programs and a sentence for people. */
export const ErrorBody = z.strictObject({
  code: z.string(),
  message: z.string(),
  issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
