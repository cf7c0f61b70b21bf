import { deriveKey } from './_kdf.ts';
import { assertKey, type DocumentKey, type FacilityKey } from './keys.ts';

/**
 * The document key of the facility's own records (the study keys it hands
 * out, the patient-key secret, settings): every member who holds the facility
 * key derives it, so these records need no key of their own.
 *
 *   facilityDocumentKey = HKDF(facilityKey, "kura/facility-document/v1")
 *
 * A derived key rather than the facility key itself keeps the facility key
 * for wrapping only: no record is ever sealed directly under it.
 */
export function deriveFacilityDocumentKey(facilityKey: FacilityKey): DocumentKey {
  assertKey(facilityKey, 'facility key');
  return deriveKey(facilityKey, 'kura/facility-document/v1') as DocumentKey;
}
