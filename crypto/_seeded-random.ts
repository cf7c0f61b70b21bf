import { chacha20 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from './_bytes.ts';
import type { RandomSource } from './random.ts';

/**
 * A deterministic RandomSource (the ChaCha20 keystream of a seed) for
 * frozen vectors, property tests and benchmarks. Never for real keys.
 */
export function seededRandom(seed: string): RandomSource & { int(max: number): number } {
  const key = sha256(utf8(seed));
  let counter = 0;
  const next: RandomSource = (length) => {
    const nonce = new Uint8Array(12);
    new DataView(nonce.buffer).setUint32(8, counter++, true);
    return chacha20(key, nonce, new Uint8Array(length));
  };
  return Object.assign(next, {
    /** Uniform integer in [0, max), max ≤ 2^32. */
    int(max: number): number {
      const b = next(8);
      const v = new DataView(b.buffer).getBigUint64(0, true);
      return Number(v % BigInt(max));
    },
  });
}
