import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { verifyEd25519Now } from './_ed25519.ts';
import { abytes, concatBytes, fromBase64Url, toBase64Url, utf8, zero } from './_bytes.ts';
import { assertId, encodeFields, ID_PATTERN } from './_fields.ts';
import { deriveKey } from './_kdf.ts';
import { IntegrityError } from './integrity-error.ts';
import { derivePasswordKey, type KdfParams } from './password-kdf.ts';
import { systemRandom, type RandomSource } from './random.ts';

/**
 * A share: a read grant for chosen studies, opened with a link and a
 * passphrase told separately (by phone, on paper).
 *
 *   link      = <origin>/s/<shareId>#<base64url(linkSecret)>     the fragment never reaches a server
 *   shareKey  = HKDF(linkSecret ‖ scrypt(passphrase, params), salt = shareId, "kura/share/v1")
 *   verifier  = Ed25519 key pair from HKDF(shareKey, "kura/share-verifier/v1")
 *
 * The passphrase is part of the key, not only a gate: the server, which holds
 * the bundle and the verifier's public key, cannot open the bundle, and the
 * link alone (a forwarded e-mail) cannot either. The server releases the
 * bundle only to a signature by the verifier over its nonce, and counts and
 * locks out failed attempts, so passphrases cannot be guessed online.
 *
 * Sealed bundle, version 1:  | 0x01 | nonce (24) | ciphertext ‖ tag (16) |
 *   key = HKDF(shareKey, "kura/share-bundle/v1"), AAD = fields("kura/share-bundle/v1", shareId)
 */
export type ShareKey = Uint8Array & { readonly __brand: 'ShareKey' };

export const LINK_SECRET_BYTES = 32;
export const SHARE_BUNDLE_V1 = 0x01;

export class ShareLinkError extends Error {
  override name = 'ShareLinkError';
}

export function generateLinkSecret(rng: RandomSource = systemRandom): Uint8Array {
  return rng(LINK_SECRET_BYTES);
}

export function createShareLink(origin: string, shareId: string, linkSecret: Uint8Array): string {
  assertId(shareId, 'shareId');
  abytes(linkSecret, LINK_SECRET_BYTES, 'link secret');
  return `${new URL(origin).origin}/s/${shareId}#${toBase64Url(linkSecret)}`;
}

export interface ShareLink {
  readonly origin: string;
  readonly shareId: string;
  readonly linkSecret: Uint8Array;
}

export function parseShareLink(link: string): ShareLink {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    throw new ShareLinkError('This is not a link');
  }
  const match = /^\/s\/([^/]+)\/?$/.exec(url.pathname);
  if (!match || !ID_PATTERN.test(match[1]!)) throw new ShareLinkError('This is not a Kura share link');
  const fragment = url.hash.slice(1);
  if (fragment.length === 0) {
    throw new ShareLinkError('The link is incomplete: the part after # is missing. Copy the whole link.');
  }
  let linkSecret: Uint8Array;
  try {
    linkSecret = fromBase64Url(fragment);
  } catch {
    throw new ShareLinkError('The link is damaged: the part after # is not valid. Copy the whole link.');
  }
  if (linkSecret.length !== LINK_SECRET_BYTES) {
    throw new ShareLinkError('The link is incomplete or damaged: the part after # has the wrong length.');
  }
  return { origin: url.origin, shareId: match[1]!, linkSecret };
}

export async function deriveShareKey(input: {
  readonly linkSecret: Uint8Array;
  readonly passphrase: string;
  readonly shareId: string;
  readonly params: KdfParams;
}): Promise<ShareKey> {
  abytes(input.linkSecret, LINK_SECRET_BYTES, 'link secret');
  assertId(input.shareId, 'shareId');
  const passphraseKey = await derivePasswordKey(input.passphrase, input.params);
  const ikm = concatBytes(input.linkSecret, passphraseKey);
  try {
    return deriveKey(ikm, 'kura/share/v1', { salt: utf8(input.shareId) }) as ShareKey;
  } finally {
    zero(ikm, passphraseKey);
  }
}

export interface ShareVerifier {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export function deriveShareVerifier(shareKey: ShareKey): ShareVerifier {
  abytes(shareKey, 32, 'share key');
  const secretKey = deriveKey(shareKey, 'kura/share-verifier/v1');
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

export interface ShareChallenge {
  readonly shareId: string;
  readonly nonce: Uint8Array;
}

function challengeMessage(c: ShareChallenge): Uint8Array {
  assertId(c.shareId, 'shareId');
  abytes(c.nonce, 32, 'share nonce');
  return encodeFields('kura/share-open/v1', c.shareId, c.nonce);
}

export function signShareChallenge(verifier: ShareVerifier, challenge: ShareChallenge): Uint8Array {
  return ed25519.sign(challengeMessage(challenge), verifier.secretKey);
}

export function verifyShareChallenge(publicKey: Uint8Array, challenge: ShareChallenge, signature: Uint8Array): boolean {
  return verifyEd25519Now(publicKey, challengeMessage(challenge), signature);
}

function bundleKey(shareKey: ShareKey): Uint8Array {
  abytes(shareKey, 32, 'share key');
  return deriveKey(shareKey, 'kura/share-bundle/v1');
}

/** Encrypts the share's bundle (the study keys of the shared copy, as bytes). */
export function sealShareBundle(shareKey: ShareKey, shareId: string, bundle: Uint8Array, rng = systemRandom): Uint8Array {
  abytes(bundle, undefined, 'bundle');
  const key = bundleKey(shareKey);
  const nonce = rng(24);
  const aad = encodeFields('kura/share-bundle/v1', shareId);
  assertId(shareId, 'shareId');
  try {
    return concatBytes(new Uint8Array([SHARE_BUNDLE_V1]), nonce, xchacha20poly1305(key, nonce, aad).encrypt(bundle));
  } finally {
    zero(key);
  }
}

export function openShareBundle(shareKey: ShareKey, shareId: string, sealed: Uint8Array): Uint8Array {
  abytes(sealed, undefined, 'sealed bundle');
  assertId(shareId, 'shareId');
  if (sealed.length < 1 + 24 + 16 || sealed[0] !== SHARE_BUNDLE_V1) throw new IntegrityError();
  const key = bundleKey(shareKey);
  try {
    return xchacha20poly1305(key, sealed.subarray(1, 25), encodeFields('kura/share-bundle/v1', shareId)).decrypt(
      sealed.subarray(25),
    );
  } catch {
    throw new IntegrityError();
  } finally {
    zero(key);
  }
}
