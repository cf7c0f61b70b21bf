import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64Url, utf8 } from './_bytes.ts';
import { encodeFields } from './_fields.ts';
import { assertKey, type PatientKeySecret } from './keys.ts';

/**
 * The server knows a patient only by the patient key:
 *
 *   patientKey = base64url(HMAC-SHA256(secret, fields("kura/patient/v1", normalise(number))))[0..22]
 *
 * 22 characters = 132 bits, plenty against collisions in one facility. The
 * secret is per facility, so the same number at two facilities gives two
 * unrelated keys, and without the secret the server cannot test guesses.
 */
export const PATIENT_KEY_LENGTH = 22;

export class PatientNumberError extends Error {
  override name = 'PatientNumberError';
}

/**
 * Patient numbers are typed at front desks from tickets and wristbands, so
 * the same number arrives in different shapes. Normalisation:
 *  1. Unicode NFKC: full-width digits and letters become ASCII (１２３ → 123);
 *  2. remove all white space and the separators - ‐ ‑ – — ― − ー _ / . ;
 *  3. upper-case (a123 = A123).
 * Leading zeros are kept: facilities print them and they may distinguish numbers.
 */
export function normalisePatientNumber(patientNumber: string): string {
  if (typeof patientNumber !== 'string') throw new PatientNumberError('The patient number must be text');
  const n = patientNumber
    .normalize('NFKC')
    .replace(/[\s\-‐‑–—―−ー_/.]/gu, '')
    .toUpperCase();
  if (n.length === 0) throw new PatientNumberError('The patient number is empty');
  if (n.length > 64) throw new PatientNumberError('The patient number is longer than 64 characters');
  return n;
}

export function derivePatientKey(secret: PatientKeySecret, patientNumber: string): string {
  assertKey(secret, 'patient-key secret');
  const mac = hmac(sha256, secret, encodeFields('kura/patient/v1', utf8(normalisePatientNumber(patientNumber))));
  return toBase64Url(mac).slice(0, PATIENT_KEY_LENGTH);
}
