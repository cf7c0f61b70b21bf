// The computations each frozen vector pins, shared by the generator
// (generate.ts) and the checking test (../vectors.test.ts) so both run the
// very same code path.
import { fromHex, toHex, utf8 } from '../_bytes.ts';
import { deriveAccountKeysFromPasswordKey } from '../account-keys.ts';
import { blobCiphertextSize, encryptBlob } from '../blob-stream.ts';
import { addressOf } from '../blob-parts.ts';
import { wrapDocumentKey, wrapFacilityKey, wrapPatientKeySecret } from '../key-wrap.ts';
import type { DocumentKey, FacilityKey, KeyEncryptionKey, PatientKeySecret } from '../keys.ts';
import { signLoginChallenge } from '../login-challenge.ts';
import { deriveMemberHandle } from '../member-handle.ts';
import { derivePasswordKey, encodeKdfParams, parseKdfParams } from '../password-kdf.ts';
import { derivePatientKey } from '../patient-key.ts';
import type { RandomSource } from '../random.ts';
import { hashRecord, sealRecord } from '../record-envelope.ts';
import { formatSecretKey, type SecretKey } from '../secret-key.ts';
import { deriveShareKey, deriveShareVerifier, sealShareBundle, signShareChallenge } from '../share-key.ts';

export type Vector = Record<string, unknown>;

export async function passwordKdfVector(input: { password: string; params: string }): Promise<Vector> {
  const key = await derivePasswordKey(input.password, parseKdfParams(fromHex(input.params)));
  return { passwordKey: toHex(key), params: toHex(encodeKdfParams(parseKdfParams(fromHex(input.params)))) };
}

export function secretKeyVector(input: { secretKey: string }): Vector {
  return { text: formatSecretKey(fromHex(input.secretKey) as SecretKey) };
}

export function accountKeysVector(input: {
  passwordKey: string;
  secretKey: string;
  facilityId: string;
  memberId: string;
  nonce: string;
}): Vector {
  const keys = deriveAccountKeysFromPasswordKey(
    fromHex(input.passwordKey),
    fromHex(input.secretKey) as SecretKey,
    input.facilityId,
  );
  const signature = signLoginChallenge(keys.login.secretKey, {
    facilityId: input.facilityId,
    memberId: input.memberId,
    nonce: fromHex(input.nonce),
  });
  return { loginPublicKey: toHex(keys.login.publicKey), kek: toHex(keys.kek), loginSignature: toHex(signature) };
}

export function keyWrapVector(
  input: { wrappingKey: string; key: string; facilityId: string; subjectId: string },
  rng: RandomSource,
): Vector {
  const wk = fromHex(input.wrappingKey);
  const key = fromHex(input.key);
  return {
    facilityKey: toHex(
      wrapFacilityKey(wk as KeyEncryptionKey, key as FacilityKey, { facilityId: input.facilityId, memberId: input.subjectId }, rng),
    ),
    documentKey: toHex(
      wrapDocumentKey(wk as FacilityKey, key as DocumentKey, { facilityId: input.facilityId, docId: input.subjectId }, rng),
    ),
    patientKeySecret: toHex(wrapPatientKeySecret(wk as FacilityKey, key as PatientKeySecret, input.facilityId, rng)),
  };
}

export function patientKeyVector(input: { secret: string; numbers: string[] }): Vector {
  return { patientKeys: input.numbers.map((n) => derivePatientKey(fromHex(input.secret) as PatientKeySecret, n)) };
}

export function memberHandleVector(input: { facilityId: string; names: string[] }): Vector {
  return { handles: input.names.map((n) => deriveMemberHandle(input.facilityId, n)) };
}

export function recordVector(
  input: {
    docKey: string;
    deviceSecretKey: string;
    header: { facilityId: string; recordId: string; docId: string; patientKey: string; kind: string; keyId: string; deviceId: string; deviceSeq: number; prevHash: string };
    body: string;
  },
  rng: RandomSource,
): Vector {
  const sealed = sealRecord({
    header: { ...input.header, prevHash: fromHex(input.header.prevHash) },
    body: utf8(input.body),
    docKey: fromHex(input.docKey) as DocumentKey,
    deviceSecretKey: fromHex(input.deviceSecretKey),
    rng,
  });
  return { sealed: toHex(sealed), recordHash: toHex(hashRecord(sealed)) };
}

/** Plaintext of `size` bytes: byte i = i mod 251 (a prime, so segments differ). */
export function patternBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = i % 251;
  return out;
}

export async function blobVector(
  input: { docKey: string; blobId: string; plaintextBytes: number; full: boolean },
  rng: RandomSource,
): Promise<Vector> {
  const ct = await encryptBlob(fromHex(input.docKey) as DocumentKey, input.blobId, patternBytes(input.plaintextBytes), { rng });
  return {
    ciphertextBytes: ct.length,
    expectedSize: blobCiphertextSize(input.plaintextBytes),
    ciphertextSha256: await addressOf(ct),
    ...(input.full ? { ciphertext: toHex(ct) } : {}),
  };
}

export async function shareVector(
  input: { linkSecret: string; passphrase: string; shareId: string; params: string; nonce: string; bundle: string },
  rng: RandomSource,
): Promise<Vector> {
  const shareKey = await deriveShareKey({
    linkSecret: fromHex(input.linkSecret),
    passphrase: input.passphrase,
    shareId: input.shareId,
    params: parseKdfParams(fromHex(input.params)),
  });
  const verifier = deriveShareVerifier(shareKey);
  return {
    shareKey: toHex(shareKey),
    verifierPublicKey: toHex(verifier.publicKey),
    openSignature: toHex(signShareChallenge(verifier, { shareId: input.shareId, nonce: fromHex(input.nonce) })),
    sealedBundle: toHex(sealShareBundle(shareKey, input.shareId, utf8(input.bundle), rng)),
  };
}
