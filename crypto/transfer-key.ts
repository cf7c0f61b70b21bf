import { x25519 } from '@noble/curves/ed25519.js';
import { systemRandom, type RandomSource } from './random.ts';

/**
 * A facility's X25519 key pair for transfers: another facility (or a
 * referring doctor) seals keys to the public half, which the server
 * publishes; the secret half travels wrapped under the facility key.
 */
export interface TransferKeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export function generateTransferKeyPair(rng: RandomSource = systemRandom): TransferKeyPair {
  const secretKey = rng(32);
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}
