import { describe, expect, it } from 'vitest';
import { toBase64Url, utf8 } from './_bytes.ts';
import { seededRandom } from './_seeded-random.ts';
import { IntegrityError } from './integrity-error.ts';
import { createKdfParams } from './password-kdf.ts';
import {
  createShareLink,
  deriveShareKey,
  deriveShareVerifier,
  generateLinkSecret,
  openShareBundle,
  parseShareLink,
  sealShareBundle,
  ShareLinkError,
  signShareChallenge,
  verifyShareChallenge,
} from './share-key.ts';

const rng = seededRandom('share');
const params = createKdfParams({ logN: 14, rng });
const linkSecret = generateLinkSecret(rng);
const shareId = 'shr_1';

describe('share keys', () => {
  it('put the link secret in the fragment only, and parse it back', () => {
    const link = createShareLink('https://kura.example/app', shareId, linkSecret);
    expect(link).toBe(`https://kura.example/s/shr_1#${toBase64Url(linkSecret)}`);
    expect(new URL(link).pathname).not.toContain(toBase64Url(linkSecret));
    expect(parseShareLink(link)).toEqual({ origin: 'https://kura.example', shareId, linkSecret });
  });

  it('explain a link that lost its secret or was cut', () => {
    expect(() => parseShareLink('https://kura.example/s/shr_1')).toThrow(/after #/);
    expect(() => parseShareLink(`https://kura.example/s/shr_1#${toBase64Url(linkSecret).slice(0, 20)}`)).toThrow(ShareLinkError);
    expect(() => parseShareLink('https://kura.example/other/shr_1#abc')).toThrow(/not a Kura share link/);
    expect(() => parseShareLink('not a url')).toThrow(ShareLinkError);
  });

  it('open the bundle and prove the open with link + passphrase together', async () => {
    const shareKey = await deriveShareKey({ linkSecret, passphrase: 'blue harbour', shareId, params });
    const sealed = sealShareBundle(shareKey, shareId, utf8('study keys'), rng);
    const again = await deriveShareKey({ linkSecret, passphrase: 'blue harbour', shareId, params });
    expect(new TextDecoder().decode(openShareBundle(again, shareId, sealed))).toBe('study keys');

    const verifier = deriveShareVerifier(again);
    const challenge = { shareId, nonce: rng(32) };
    const sig = signShareChallenge(verifier, challenge);
    expect(verifyShareChallenge(deriveShareVerifier(shareKey).publicKey, challenge, sig)).toBe(true);
    expect(verifyShareChallenge(verifier.publicKey, { shareId: 'shr_2', nonce: challenge.nonce }, sig)).toBe(false);
  });

  it('a wrong passphrase, another link secret or another share cannot derive the key', async () => {
    const shareKey = await deriveShareKey({ linkSecret, passphrase: 'blue harbour', shareId, params });
    const sealed = sealShareBundle(shareKey, shareId, utf8('study keys'), rng);
    const wrongPass = await deriveShareKey({ linkSecret, passphrase: 'blue harbor', shareId, params });
    const wrongLink = await deriveShareKey({ linkSecret: generateLinkSecret(rng), passphrase: 'blue harbour', shareId, params });
    for (const k of [wrongPass, wrongLink]) {
      expect(k).not.toEqual(shareKey);
      expect(() => openShareBundle(k, shareId, sealed)).toThrow(IntegrityError);
      expect(deriveShareVerifier(k).publicKey).not.toEqual(deriveShareVerifier(shareKey).publicKey);
    }
    expect(() => openShareBundle(shareKey, 'shr_2', sealed)).toThrow(IntegrityError);
  });
});
