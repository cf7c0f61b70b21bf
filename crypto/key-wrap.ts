import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { abytes, concatBytes } from './_bytes.ts';
import { assertId, encodeFields } from './_fields.ts';
import { IntegrityError } from './integrity-error.ts';
import {
  assertKey,
  KEY_BYTES,
  type DocumentKey,
  type FacilityKey,
  type KeyEncryptionKey,
  type PatientKeySecret,
} from './keys.ts';
import { systemRandom, type RandomSource } from './random.ts';

/**
 * A 32-byte key encrypted under another key (XChaCha20-Poly1305, random
 * nonce). Byte layout, version 1 (73 bytes):
 *
 *   | 0x01 | nonce (24) | ciphertext (32) | tag (16) |
 *
 * AAD = fields("kura/wrap/v1", purpose, facilityId, subjectId): a wrapped key
 * moved to another purpose, facility, member, document or device does not
 * unwrap.
 */
export const WRAPPED_KEY_V1 = 0x01;
export const WRAPPED_KEY_BYTES = 1 + 24 + KEY_BYTES + 16;

type WrapPurpose = 'facility-key' | 'document-key' | 'patient-key-secret' | 'device-signing-key';

function wrapAad(purpose: WrapPurpose, facilityId: string, subjectId: string): Uint8Array {
  assertId(facilityId, 'facilityId');
  assertId(subjectId, 'subject ID');
  return encodeFields('kura/wrap/v1', purpose, facilityId, subjectId);
}

function wrap(
  wrappingKey: Uint8Array,
  key: Uint8Array,
  aad: Uint8Array,
  rng: RandomSource,
): Uint8Array {
  assertKey(wrappingKey, 'wrapping key');
  assertKey(key, 'key to wrap');
  const nonce = rng(24);
  const sealed = xchacha20poly1305(wrappingKey, nonce, aad).encrypt(key);
  return concatBytes(new Uint8Array([WRAPPED_KEY_V1]), nonce, sealed);
}

function unwrap(wrappingKey: Uint8Array, wrapped: Uint8Array, aad: Uint8Array): Uint8Array {
  assertKey(wrappingKey, 'wrapping key');
  abytes(wrapped, undefined, 'wrapped key');
  if (wrapped.length !== WRAPPED_KEY_BYTES || wrapped[0] !== WRAPPED_KEY_V1) throw new IntegrityError();
  try {
    return xchacha20poly1305(wrappingKey, wrapped.subarray(1, 25), aad).decrypt(wrapped.subarray(25));
  } catch {
    throw new IntegrityError();
  }
}

export interface MemberContext {
  readonly facilityId: string;
  readonly memberId: string;
}

export function wrapFacilityKey(kek: KeyEncryptionKey, key: FacilityKey, ctx: MemberContext, rng = systemRandom): Uint8Array {
  return wrap(kek, key, wrapAad('facility-key', ctx.facilityId, ctx.memberId), rng);
}

export function unwrapFacilityKey(kek: KeyEncryptionKey, wrapped: Uint8Array, ctx: MemberContext): FacilityKey {
  return unwrap(kek, wrapped, wrapAad('facility-key', ctx.facilityId, ctx.memberId)) as FacilityKey;
}

export interface DocumentContext {
  readonly facilityId: string;
  readonly docId: string;
}

/** Wraps a study key (or a patient document's key) under the facility key. */
export function wrapDocumentKey(facilityKey: FacilityKey, key: DocumentKey, ctx: DocumentContext, rng = systemRandom): Uint8Array {
  return wrap(facilityKey, key, wrapAad('document-key', ctx.facilityId, ctx.docId), rng);
}

export function unwrapDocumentKey(facilityKey: FacilityKey, wrapped: Uint8Array, ctx: DocumentContext): DocumentKey {
  return unwrap(facilityKey, wrapped, wrapAad('document-key', ctx.facilityId, ctx.docId)) as DocumentKey;
}

export function wrapPatientKeySecret(
  facilityKey: FacilityKey,
  secret: PatientKeySecret,
  facilityId: string,
  rng = systemRandom,
): Uint8Array {
  return wrap(facilityKey, secret, wrapAad('patient-key-secret', facilityId, facilityId), rng);
}

export function unwrapPatientKeySecret(facilityKey: FacilityKey, wrapped: Uint8Array, facilityId: string): PatientKeySecret {
  return unwrap(facilityKey, wrapped, wrapAad('patient-key-secret', facilityId, facilityId)) as PatientKeySecret;
}

export interface DeviceContext {
  readonly facilityId: string;
  readonly deviceId: string;
}

/** Keeps a device's signing key at rest under the member's KEK. */
export function wrapDeviceSigningKey(kek: KeyEncryptionKey, secretKey: Uint8Array, ctx: DeviceContext, rng = systemRandom): Uint8Array {
  return wrap(kek, secretKey, wrapAad('device-signing-key', ctx.facilityId, ctx.deviceId), rng);
}

export function unwrapDeviceSigningKey(kek: KeyEncryptionKey, wrapped: Uint8Array, ctx: DeviceContext): Uint8Array {
  return unwrap(kek, wrapped, wrapAad('device-signing-key', ctx.facilityId, ctx.deviceId));
}
