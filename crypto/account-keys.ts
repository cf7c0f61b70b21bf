import { ed25519 } from '@noble/curves/ed25519.js';
import { concatBytes, utf8, zero } from './_bytes.ts';
import { assertId } from './_fields.ts';
import { deriveKey } from './_kdf.ts';
import type { KeyEncryptionKey } from './keys.ts';
import { derivePasswordKey, type KdfParams } from './password-kdf.ts';
import { SECRET_KEY_BYTES, type SecretKey } from './secret-key.ts';
import { abytes } from './_bytes.ts';

/**
 * What a member's password and the facility's Secret Key unlock:
 *
 *   rootKey  = HKDF(scrypt(password) ‖ secretKey, salt = facilityId, info = "kura/root/v1")
 *   login    = Ed25519 key pair from HKDF(rootKey, "kura/auth/v1")   — proves the password to the server
 *   kek      = HKDF(rootKey, "kura/kek/v1")                           — unwraps the facility key
 *
 * The server stores only the login public key: nothing it holds is
 * password-equivalent, and without the Secret Key a stolen database gives no
 * way to test password guesses.
 */
export interface LoginKeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface AccountKeys {
  readonly login: LoginKeyPair;
  readonly kek: KeyEncryptionKey;
}

export function deriveAccountKeysFromPasswordKey(
  passwordKey: Uint8Array,
  secretKey: SecretKey,
  facilityId: string,
): AccountKeys {
  abytes(passwordKey, 32, 'password key');
  abytes(secretKey, SECRET_KEY_BYTES, 'secret key');
  assertId(facilityId, 'facilityId');
  const ikm = concatBytes(passwordKey, secretKey);
  const rootKey = deriveKey(ikm, 'kura/root/v1', { salt: utf8(facilityId) });
  const seed = deriveKey(rootKey, 'kura/auth/v1');
  const kek = deriveKey(rootKey, 'kura/kek/v1') as KeyEncryptionKey;
  const login = { secretKey: seed, publicKey: ed25519.getPublicKey(seed) };
  zero(ikm, rootKey);
  return { login, kek };
}

/** Runs the password KDF (slow on purpose) then the fast derivations above. */
export async function deriveAccountKeys(
  password: string,
  secretKey: SecretKey,
  facilityId: string,
  params: KdfParams,
): Promise<AccountKeys> {
  const passwordKey = await derivePasswordKey(password, params);
  try {
    return deriveAccountKeysFromPasswordKey(passwordKey, secretKey, facilityId);
  } finally {
    zero(passwordKey);
  }
}
