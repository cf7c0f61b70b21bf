import { abytes } from './_bytes.ts';
import { systemRandom, type RandomSource } from './random.ts';

/**
 * Key types are branded so one kind cannot be passed where another is
 * expected: a facility key is not a study key, even though both are 32 bytes.
 */
export type FacilityKey = Uint8Array & { readonly __brand: 'FacilityKey' };
/** The key of one document: a study (the "study key") or a patient's demographics. */
export type DocumentKey = Uint8Array & { readonly __brand: 'DocumentKey' };
/** The HMAC key that turns patient numbers into patient keys. */
export type PatientKeySecret = Uint8Array & { readonly __brand: 'PatientKeySecret' };
/** Wraps the facility key for one member; derived from that member's root key. */
export type KeyEncryptionKey = Uint8Array & { readonly __brand: 'KeyEncryptionKey' };

export const KEY_BYTES = 32;

export function generateFacilityKey(rng: RandomSource = systemRandom): FacilityKey {
  return rng(KEY_BYTES) as FacilityKey;
}

export function generateDocumentKey(rng: RandomSource = systemRandom): DocumentKey {
  return rng(KEY_BYTES) as DocumentKey;
}

export function generatePatientKeySecret(rng: RandomSource = systemRandom): PatientKeySecret {
  return rng(KEY_BYTES) as PatientKeySecret;
}

export function assertKey(key: unknown, title: string): asserts key is Uint8Array {
  abytes(key, KEY_BYTES, title);
}
