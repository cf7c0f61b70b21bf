import { scrypt as nobleScrypt } from '@noble/hashes/scrypt.js';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './_seeded-random.ts';
import { createKdfParams, derivePasswordKey, encodeKdfParams, KdfParamsError, parseKdfParams } from './password-kdf.ts';

describe('password KDF', () => {
  const params = createKdfParams({ logN: 14, rng: seededRandom('kdf') });

  it('equals @noble/hashes scrypt on the NFKC-normalised password', async () => {
    const ours = await derivePasswordKey('pässword', params);
    const noble = nobleScrypt(new TextEncoder().encode('pässword'.normalize('NFKC')), params.salt, {
      N: 2 ** 14,
      r: 8,
      p: 1,
      dkLen: 32,
    });
    expect(ours).toEqual(noble);
  });

  it('treats full-width and decomposed input as the same password', async () => {
    const a = await derivePasswordKey('ＡＢＣ１２３café', params);
    const b = await derivePasswordKey('ABC123cafe\u0301', params);
    expect(a).toEqual(b);
    expect(await derivePasswordKey('ABC123cafe', params)).not.toEqual(a);
  });

  it('defaults to scrypt N=2^17, r=8, p=1 with a fresh 16-byte salt', () => {
    const p = createKdfParams();
    expect([p.logN, p.r, p.p, p.salt.length]).toEqual([17, 8, 1, 16]);
    expect(createKdfParams().salt).not.toEqual(p.salt);
  });

  it('encodes parameters with a version byte and refuses weak or unknown ones', () => {
    const bytes = encodeKdfParams(params);
    expect(bytes[0]).toBe(1);
    expect(parseKdfParams(bytes)).toEqual(params);
    const weak = bytes.slice();
    weak[1] = 10;
    expect(() => parseKdfParams(weak)).toThrow(KdfParamsError);
    const future = bytes.slice();
    future[0] = 2;
    expect(() => parseKdfParams(future)).toThrow(/version/);
    expect(() => parseKdfParams(bytes.subarray(0, 19))).toThrow(KdfParamsError);
  });

  it('refuses an empty password', async () => {
    await expect(derivePasswordKey('', params)).rejects.toThrow(TypeError);
  });
});
