import { describe, expect, it } from 'vitest';
import { seededRandom } from './_seeded-random.ts';
import { deriveAccountKeys, deriveAccountKeysFromPasswordKey } from './account-keys.ts';
import { signLoginChallenge, verifyLoginChallenge } from './login-challenge.ts';
import { createKdfParams } from './password-kdf.ts';
import { generateSecretKey } from './secret-key.ts';

describe('account keys and challenge login', () => {
  const rng = seededRandom('account');
  const secretKey = generateSecretKey(rng);
  const params = createKdfParams({ logN: 14, rng });

  it('are stable for the same password, secret key and facility', async () => {
    const a = await deriveAccountKeys('hunter2 hunter2', secretKey, 'fac_a', params);
    const b = await deriveAccountKeys('hunter2 hunter2', secretKey, 'fac_a', params);
    expect(a.login.publicKey).toEqual(b.login.publicKey);
    expect(a.kek).toEqual(b.kek);
    expect(a.kek).not.toEqual(a.login.secretKey);
  });

  it('change with the password, the secret key or the facility', () => {
    const pk = rng(32);
    const base = deriveAccountKeysFromPasswordKey(pk, secretKey, 'fac_a');
    const others = [
      deriveAccountKeysFromPasswordKey(rng(32), secretKey, 'fac_a'),
      deriveAccountKeysFromPasswordKey(pk, generateSecretKey(rng), 'fac_a'),
      deriveAccountKeysFromPasswordKey(pk, secretKey, 'fac_b'),
    ];
    for (const o of others) {
      expect(o.login.publicKey).not.toEqual(base.login.publicKey);
      expect(o.kek).not.toEqual(base.kek);
    }
  });

  it('sign a challenge the server can verify, bound to facility, member and nonce', () => {
    const keys = deriveAccountKeysFromPasswordKey(rng(32), secretKey, 'fac_a');
    const challenge = { facilityId: 'fac_a', memberId: 'mem_1', nonce: rng(32) };
    const sig = signLoginChallenge(keys.login.secretKey, challenge);
    expect(verifyLoginChallenge(keys.login.publicKey, challenge, sig)).toBe(true);
    expect(verifyLoginChallenge(keys.login.publicKey, { ...challenge, facilityId: 'fac_b' }, sig)).toBe(false);
    expect(verifyLoginChallenge(keys.login.publicKey, { ...challenge, memberId: 'mem_2' }, sig)).toBe(false);
    expect(verifyLoginChallenge(keys.login.publicKey, { ...challenge, nonce: rng(32) }, sig)).toBe(false);
    const other = deriveAccountKeysFromPasswordKey(rng(32), secretKey, 'fac_a');
    expect(verifyLoginChallenge(other.login.publicKey, challenge, sig)).toBe(false);
    expect(verifyLoginChallenge(keys.login.publicKey, challenge, sig.subarray(0, 63))).toBe(false);
  });
});
