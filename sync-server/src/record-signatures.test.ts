import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  generateDeviceKeyPair,
  generateDocumentKey,
  parseSignedRecord,
  sealRecord,
  verifyRecordSignature,
  type DeviceKeyPair,
} from '../../crypto/index.ts';
import { ed25519PublicKey, verifyEd25519OnPool } from './record-signatures.ts';

function seal(device: DeviceKeyPair): Uint8Array {
  return sealRecord({
    header: {
      facilityId: 'fac_1',
      recordId: 'rec_1',
      docId: 'doc_1',
      patientKey: '',
      kind: 'study-update',
      keyId: 'k1',
      deviceId: 'dev_1',
      deviceSeq: 1,
      prevHash: GENESIS_HASH,
    },
    body: new TextEncoder().encode('hello'),
    docKey: generateDocumentKey(),
    deviceSecretKey: device.secretKey,
  });
}

/** Node's check on the pool, as the push route makes it. */
async function checkOnPool(sealed: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  const key = ed25519PublicKey(publicKey);
  if (!key) return false;
  let parsed: ReturnType<typeof parseSignedRecord>;
  try {
    parsed = parseSignedRecord(sealed);
  } catch {
    return false; // malformed: the route answers 400 without a check
  }
  return verifyEd25519OnPool(key, parsed.message, parsed.signature);
}

/** crypto/'s check, the reference. */
function checkInCrypto(sealed: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  return verifyRecordSignature(sealed, publicKey).then(
    () => true,
    () => false,
  );
}

describe('record signatures on the thread pool', () => {
  it('accepts what crypto/ accepts and refuses what it refuses', async () => {
    const device = generateDeviceKeyPair();
    const other = generateDeviceKeyPair();
    const sealed = seal(device);
    const cases: [string, Uint8Array, Uint8Array][] = [['valid', sealed, device.publicKey], ['another device’s key', sealed, other.publicKey]];
    // One flipped bit in a header ID, a header length, the ciphertext and the signature (its R and its S).
    for (const at of [2, 5, sealed.length - 80, sealed.length - 60, sealed.length - 1]) {
      const tampered = sealed.slice();
      tampered[at]! ^= 0x01;
      cases.push([`bit flipped at ${at}`, tampered, device.publicKey]);
    }
    for (const [name, bytes, key] of cases) {
      expect(await checkOnPool(bytes, key), name).toBe(await checkInCrypto(bytes, key));
    }
    expect(await checkOnPool(sealed, device.publicKey)).toBe(true);
    expect(await checkOnPool(sealed, other.publicKey)).toBe(false);
  });

  it('refuses a non-canonical signature (S + L), as RFC 8032 demands', async () => {
    const device = generateDeviceKeyPair();
    const sealed = seal(device);
    const { message, signature } = parseSignedRecord(sealed);
    // S is little-endian in the last 32 bytes; adding the group order L gives the same point.
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(signature[32 + i]!);
    s += L;
    const malleable = signature.slice();
    for (let i = 0; i < 32; i++, s >>= 8n) malleable[32 + i] = Number(s & 0xffn);
    expect(await verifyEd25519OnPool(ed25519PublicKey(device.publicKey)!, message, malleable)).toBe(false);
  });

  it('reuses one key object per device key and refuses keys that are not 32 bytes', () => {
    const device = generateDeviceKeyPair();
    expect(ed25519PublicKey(device.publicKey)).toBe(ed25519PublicKey(device.publicKey.slice()));
    expect(ed25519PublicKey(new Uint8Array(31))).toBeNull();
    expect(ed25519PublicKey(new Uint8Array(33))).toBeNull();
  });

  it('resolves false, never throws, for a signature of the wrong length', async () => {
    const device = generateDeviceKeyPair();
    const { message, signature } = parseSignedRecord(seal(device));
    const key = ed25519PublicKey(device.publicKey)!;
    expect(await verifyEd25519OnPool(key, message, signature.subarray(0, 63))).toBe(false);
    expect(await verifyEd25519OnPool(key, message, new Uint8Array(64))).toBe(false);
  });
});
