// crypto/: pure, isomorphic end-to-end encryption for Kura (DESIGN.md §4).
// Bytes in, bytes out; randomness passed in; no DOM, storage or Node APIs.

export { IntegrityError } from './integrity-error.ts';
export { systemRandom } from './random.ts';
export type { RandomSource } from './random.ts';
export { toBase64Url, fromBase64Url, toHex, fromHex, equalBytes } from './_bytes.ts';
export { padmeLength } from './padding.ts';

export {
  createKdfParams,
  encodeKdfParams,
  parseKdfParams,
  derivePasswordKey,
  KdfParamsError,
  DEFAULT_KDF_LOG_N,
  MIN_KDF_LOG_N,
} from './password-kdf.ts';
export type { KdfParams } from './password-kdf.ts';

export { generateSecretKey, formatSecretKey, parseSecretKey, SecretKeyError } from './secret-key.ts';
export type { SecretKey } from './secret-key.ts';
export { createRecoveryKit, parseRecoveryKit, RecoveryKitError } from './recovery-kit.ts';
export type { RecoveryKit, RecoveryKitDocument } from './recovery-kit.ts';

export { deriveAccountKeys, deriveAccountKeysFromPasswordKey } from './account-keys.ts';
export type { AccountKeys, LoginKeyPair } from './account-keys.ts';
export { signLoginChallenge, verifyLoginChallenge } from './login-challenge.ts';
export type { LoginChallenge } from './login-challenge.ts';

export { generateFacilityKey, generateDocumentKey, generatePatientKeySecret } from './keys.ts';
export type { FacilityKey, DocumentKey, PatientKeySecret, KeyEncryptionKey } from './keys.ts';
export { deriveFacilityDocumentKey } from './facility-document-key.ts';
export {
  wrapFacilityKey,
  unwrapFacilityKey,
  wrapDocumentKey,
  unwrapDocumentKey,
  wrapPatientKeySecret,
  unwrapPatientKeySecret,
  wrapDeviceSigningKey,
  unwrapDeviceSigningKey,
  WRAPPED_KEY_BYTES,
} from './key-wrap.ts';
export type { MemberContext, DocumentContext, DeviceContext } from './key-wrap.ts';
export { derivePatientKey, normalisePatientNumber, PatientNumberError, PATIENT_KEY_LENGTH } from './patient-key.ts';
export { generateDeviceKeyPair } from './device-key.ts';
export { deriveMemberHandle, normaliseMemberName, MemberNameError } from './member-handle.ts';
export type { DeviceKeyPair } from './device-key.ts';
export { generateTransferKeyPair } from './transfer-key.ts';
export type { TransferKeyPair } from './transfer-key.ts';

export {
  sealRecord,
  sealRecordRun,
  openRecord,
  parseRecordHeader,
  parseSignedRecord,
  verifyRecordSignature,
  hashRecord,
  checkDeviceChain,
  GENESIS_HASH,
  MAX_RECORD_BODY,
} from './record-envelope.ts';
export type { DeviceChainHead, RecordHeader, SealRecordInput, OpenRecordInput } from './record-envelope.ts';

export {
  encryptBlobStream,
  decryptBlobStream,
  encryptBlob,
  decryptBlob,
  blobCiphertextSize,
  SEGMENT_BYTES,
} from './blob-stream.ts';
export type { BlobStreamOptions } from './blob-stream.ts';
export { splitIntoParts, addressOf, verifyPart, isBlobAddress, PART_BYTES } from './blob-parts.ts';
export type { BlobPart } from './blob-parts.ts';

export {
  generateLinkSecret,
  createShareLink,
  parseShareLink,
  deriveShareKey,
  deriveShareVerifier,
  signShareChallenge,
  verifyShareChallenge,
  sealShareBundle,
  openShareBundle,
  ShareLinkError,
} from './share-key.ts';
export type { ShareKey, ShareLink, ShareVerifier, ShareChallenge } from './share-key.ts';
