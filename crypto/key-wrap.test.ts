import { describe, expect, it } from 'vitest';
import { seededRandom } from './_seeded-random.ts';
import { IntegrityError } from './integrity-error.ts';
import {
  unwrapDeviceSigningKey,
  unwrapDocumentKey,
  unwrapFacilityKey,
  unwrapPatientKeySecret,
  wrapDeviceSigningKey,
  wrapDocumentKey,
  wrapFacilityKey,
  wrapPatientKeySecret,
  WRAPPED_KEY_BYTES,
} from './key-wrap.ts';
import { generateDocumentKey, generateFacilityKey, generatePatientKeySecret, type KeyEncryptionKey } from './keys.ts';

describe('wrapped keys', () => {
  const rng = seededRandom('wrap');
  const kek = rng(32) as KeyEncryptionKey;
  const facilityKey = generateFacilityKey(rng);

  it('round-trip each kind of key', () => {
    const w = wrapFacilityKey(kek, facilityKey, { facilityId: 'fac_a', memberId: 'mem_1' }, rng);
    expect(w.length).toBe(WRAPPED_KEY_BYTES);
    expect(w[0]).toBe(1);
    expect(unwrapFacilityKey(kek, w, { facilityId: 'fac_a', memberId: 'mem_1' })).toEqual(facilityKey);

    const study = generateDocumentKey(rng);
    const ws = wrapDocumentKey(facilityKey, study, { facilityId: 'fac_a', docId: 'study_1' }, rng);
    expect(unwrapDocumentKey(facilityKey, ws, { facilityId: 'fac_a', docId: 'study_1' })).toEqual(study);

    const secret = generatePatientKeySecret(rng);
    expect(unwrapPatientKeySecret(facilityKey, wrapPatientKeySecret(facilityKey, secret, 'fac_a', rng), 'fac_a')).toEqual(secret);

    const device = rng(32);
    const wd = wrapDeviceSigningKey(kek, device, { facilityId: 'fac_a', deviceId: 'dev_1' }, rng);
    expect(unwrapDeviceSigningKey(kek, wd, { facilityId: 'fac_a', deviceId: 'dev_1' })).toEqual(device);
  });

  it('use a fresh nonce every time', () => {
    const ctx = { facilityId: 'fac_a', memberId: 'mem_1' };
    expect(wrapFacilityKey(kek, facilityKey, ctx)).not.toEqual(wrapFacilityKey(kek, facilityKey, ctx));
  });

  it('fail when moved to another study, facility, member or purpose, or opened with another key', () => {
    const study = generateDocumentKey(rng);
    const ws = wrapDocumentKey(facilityKey, study, { facilityId: 'fac_a', docId: 'study_1' }, rng);
    expect(() => unwrapDocumentKey(facilityKey, ws, { facilityId: 'fac_a', docId: 'study_2' })).toThrow(IntegrityError);
    expect(() => unwrapDocumentKey(facilityKey, ws, { facilityId: 'fac_b', docId: 'study_1' })).toThrow(IntegrityError);
    expect(() => unwrapDocumentKey(generateFacilityKey(rng), ws, { facilityId: 'fac_a', docId: 'study_1' })).toThrow(
      IntegrityError,
    );
    // Same bytes, other purpose: a document-key wrap is not a facility-key wrap.
    expect(() => unwrapFacilityKey(facilityKey as unknown as KeyEncryptionKey, ws, { facilityId: 'fac_a', memberId: 'study_1' })).toThrow(
      IntegrityError,
    );
    const wf = wrapFacilityKey(kek, facilityKey, { facilityId: 'fac_a', memberId: 'mem_1' }, rng);
    expect(() => unwrapFacilityKey(kek, wf, { facilityId: 'fac_a', memberId: 'mem_2' })).toThrow(IntegrityError);
  });

  it('refuse wrong key lengths loudly instead of wrapping garbage', () => {
    expect(() => wrapDocumentKey(facilityKey, rng(16) as never, { facilityId: 'fac_a', docId: 'd' })).toThrow(RangeError);
    expect(() => wrapDocumentKey(facilityKey, generateDocumentKey(rng), { facilityId: 'fac a', docId: 'd' })).toThrow(TypeError);
  });
});
