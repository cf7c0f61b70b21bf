import { ed25519 } from '@noble/curves/ed25519.js';
import { abytes } from './_bytes.ts';
import { assertId, encodeFields } from './_fields.ts';

/**
 * Challenge login: the server sends a single-use nonce, the member signs it
 * with the login key. The signed message names the facility and member, so a
 * signature for one account or one purpose is useless anywhere else.
 */
export interface LoginChallenge {
  readonly facilityId: string;
  readonly memberId: string;
  readonly nonce: Uint8Array;
}

function challengeMessage(challenge: LoginChallenge): Uint8Array {
  assertId(challenge.facilityId, 'facilityId');
  assertId(challenge.memberId, 'memberId');
  abytes(challenge.nonce, 32, 'login nonce');
  return encodeFields('kura/login/v1', challenge.facilityId, challenge.memberId, challenge.nonce);
}

export function signLoginChallenge(loginSecretKey: Uint8Array, challenge: LoginChallenge): Uint8Array {
  abytes(loginSecretKey, 32, 'login secret key');
  return ed25519.sign(challengeMessage(challenge), loginSecretKey);
}

export function verifyLoginChallenge(publicKey: Uint8Array, challenge: LoginChallenge, signature: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  try {
    return ed25519.verify(signature, challengeMessage(challenge), publicKey, { zip215: false });
  } catch {
    return false;
  }
}
