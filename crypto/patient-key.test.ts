import { describe, expect, it } from 'vitest';
import { seededRandom } from './_seeded-random.ts';
import { generatePatientKeySecret } from './keys.ts';
import { derivePatientKey, normalisePatientNumber, PATIENT_KEY_LENGTH, PatientNumberError } from './patient-key.ts';

describe('patient keys', () => {
  const rng = seededRandom('patient');
  const secretA = generatePatientKeySecret(rng);
  const secretB = generatePatientKeySecret(rng);

  it('normalise the ways a number gets typed', () => {
    expect(normalisePatientNumber(' ００１２３ ')).toBe('00123');
    expect(normalisePatientNumber('ab-12 3')).toBe('AB123');
    expect(normalisePatientNumber('AB‐12/3')).toBe('AB123');
    expect(normalisePatientNumber('00123')).not.toBe(normalisePatientNumber('123'));
    expect(() => normalisePatientNumber(' - ')).toThrow(PatientNumberError);
    expect(() => normalisePatientNumber('9'.repeat(65))).toThrow(PatientNumberError);
  });

  it('are stable, 22 base64url characters, equal for equivalent spellings', () => {
    const k = derivePatientKey(secretA, '00123');
    expect(k).toMatch(new RegExp(`^[A-Za-z0-9_-]{${PATIENT_KEY_LENGTH}}$`));
    expect(derivePatientKey(secretA, '00123')).toBe(k);
    expect(derivePatientKey(secretA, '００１２３')).toBe(k);
    expect(derivePatientKey(secretA, '00124')).not.toBe(k);
  });

  it('differ across facilities for the same number', () => {
    expect(derivePatientKey(secretA, '00123')).not.toBe(derivePatientKey(secretB, '00123'));
  });

  it('do not collide across 20,000 numbers', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(derivePatientKey(secretA, `P${i}`));
    expect(seen.size).toBe(20_000);
  });
});
