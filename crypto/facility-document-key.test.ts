import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from './_bytes.ts';
import { deriveFacilityDocumentKey } from './facility-document-key.ts';
import type { FacilityKey } from './keys.ts';

describe('deriveFacilityDocumentKey', () => {
  it('is HKDF-SHA256 of the facility key, fixed by a vector', () => {
    const facilityKey = new Uint8Array(32).fill(7) as FacilityKey;
    const key = deriveFacilityDocumentKey(facilityKey);
    expect(key).toHaveLength(32);
    expect(toHex(deriveFacilityDocumentKey(facilityKey))).toBe(toHex(key));
    expect(toHex(key)).toBe(VECTOR);
  });

  it('matches an independent HKDF (node:crypto) with the length-prefixed label', () => {
    const label = 'kura/facility-document/v1';
    const info = Buffer.concat([Buffer.from([0, 0, 0, label.length]), Buffer.from(label)]);
    const expected = Buffer.from(hkdfSync('sha256', Buffer.alloc(32, 7), Buffer.alloc(0), info, 32)).toString('hex');
    expect(expected).toBe(VECTOR);
  });

  it('differs from the facility key and between facilities', () => {
    const a = new Uint8Array(32).fill(1) as FacilityKey;
    const b = new Uint8Array(32).fill(2) as FacilityKey;
    expect(toHex(deriveFacilityDocumentKey(a))).not.toBe(toHex(a));
    expect(toHex(deriveFacilityDocumentKey(a))).not.toBe(toHex(deriveFacilityDocumentKey(b)));
  });

  it('refuses a key of the wrong length', () => {
    expect(() => deriveFacilityDocumentKey(new Uint8Array(31) as FacilityKey)).toThrow();
  });
});

const VECTOR = 'bf6b48a8dd7c04096b7178be7a43d8e2ad873af162ef83be564ef9087797ec9c';
