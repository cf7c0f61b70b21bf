import { x25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './_seeded-random.ts';
import { generateTransferKeyPair } from './transfer-key.ts';

describe('transfer keys', () => {
  it('agree on one shared secret from either side (X25519, RFC 7748)', () => {
    const rng = seededRandom('transfer');
    const a = generateTransferKeyPair(rng);
    const b = generateTransferKeyPair(rng);
    expect(a.publicKey).toHaveLength(32);
    expect(x25519.getSharedSecret(a.secretKey, b.publicKey)).toEqual(x25519.getSharedSecret(b.secretKey, a.publicKey));
    expect(generateTransferKeyPair().publicKey).not.toEqual(generateTransferKeyPair().publicKey);
  });
});
