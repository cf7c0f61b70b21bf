import { ed25519 } from '@noble/curves/ed25519.js';
import { verifyEd25519Now } from './_ed25519.ts';
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
  return verifyEd25519Now(publicKey, challengeMessage(challenge), signature);
}
