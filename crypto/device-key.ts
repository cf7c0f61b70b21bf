import { ed25519 } from '@noble/curves/ed25519.js';
import { systemRandom, type RandomSource } from './random.ts';

/** Each enrolled browser profile signs its records with its own Ed25519 key pair. */
export interface DeviceKeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export function generateDeviceKeyPair(rng: RandomSource = systemRandom): DeviceKeyPair {
  const secretKey = rng(32);
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}
