import { describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from './_bytes.ts';
import { seededRandom } from './_seeded-random.ts';
import { decryptBlob, encryptBlob, SEGMENT_BYTES, BLOB_HEADER_BYTES } from './blob-stream.ts';
import { generateDeviceKeyPair } from './device-key.ts';
import { IntegrityError } from './integrity-error.ts';
import { unwrapDocumentKey, unwrapFacilityKey, wrapDocumentKey, wrapFacilityKey } from './key-wrap.ts';
import { generateDocumentKey, generateFacilityKey, type KeyEncryptionKey } from './keys.ts';
import { GENESIS_HASH, openRecord, sealRecord } from './record-envelope.ts';
import { openShareBundle, sealShareBundle, type ShareKey } from './share-key.ts';

// Seeded property test: random single-bit flips, truncations and extensions
// of every sealed format must raise IntegrityError — never another error,
// never plaintext. 10,800 mutations in all.
const rng = seededRandom('tamper');

type Opener = (bytes: Uint8Array) => unknown;

async function expectAllRejected(name: string, original: Uint8Array, open: Opener, mutations: Uint8Array[]) {
  await open(original); // the unmodified bytes do open
  let rejected = 0;
  for (const m of mutations) {
    try {
      await open(m);
    } catch (e) {
      if (e instanceof IntegrityError) {
        rejected++;
        continue;
      }
      throw new Error(`${name}: a mutation raised ${String(e)} instead of IntegrityError`);
    }
    throw new Error(`${name}: a mutation of ${m.length} bytes was accepted`);
  }
  expect(rejected).toBe(mutations.length);
}

function flips(bytes: Uint8Array, count: number, range: [number, number] = [0, bytes.length]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const m = bytes.slice();
    const pos = range[0] + rng.int(range[1] - range[0]);
    m[pos]! ^= 1 << rng.int(8);
    out.push(m);
  }
  return out;
}

function truncations(bytes: Uint8Array, count: number): Uint8Array[] {
  return Array.from({ length: count }, () => bytes.subarray(0, rng.int(bytes.length)));
}

function extensions(bytes: Uint8Array, count: number): Uint8Array[] {
  return Array.from({ length: count }, () => concatBytes(bytes, rng(1 + rng.int(100))));
}

describe('tampering always raises IntegrityError', () => {
  it('record envelopes: 3,000 flips over header, ciphertext and signature, 300 truncations, 300 extensions', async () => {
    const device = generateDeviceKeyPair(rng);
    const docKey = generateDocumentKey(rng);
    const header = {
      facilityId: 'fac_a', recordId: 'r1', docId: 'study_1', patientKey: 'AAAAAAAAAAAAAAAAAAAAAA',
      kind: 'study-update', keyId: 'k1', deviceId: 'dev_1', deviceSeq: 7, prevHash: GENESIS_HASH,
    };
    const sealed = sealRecord({ header, body: utf8('{"name":"Canary^Patient"}'), docKey, deviceSecretKey: device.secretKey, rng });
    const open = (b: Uint8Array) => openRecord(b, { docKey, devicePublicKey: device.publicKey, expect: { facilityId: 'fac_a' } });
    await expectAllRejected('record', sealed, open, [...flips(sealed, 3000), ...truncations(sealed, 300), ...extensions(sealed, 300)]);
  });

  it('wrapped keys: 2,000 flips, 200 truncations, 200 extensions', async () => {
    const kek = rng(32) as KeyEncryptionKey;
    const facilityKey = generateFacilityKey(rng);
    const ctx = { facilityId: 'fac_a', memberId: 'mem_1' };
    const wrapped = wrapFacilityKey(kek, facilityKey, ctx, rng);
    const wrappedDoc = wrapDocumentKey(facilityKey, generateDocumentKey(rng), { facilityId: 'fac_a', docId: 'd1' }, rng);
    await expectAllRejected('facility key', wrapped, (b) => unwrapFacilityKey(kek, b, ctx), [
      ...flips(wrapped, 1000), ...truncations(wrapped, 100), ...extensions(wrapped, 100),
    ]);
    await expectAllRejected('document key', wrappedDoc, (b) => unwrapDocumentKey(facilityKey, b, { facilityId: 'fac_a', docId: 'd1' }), [
      ...flips(wrappedDoc, 1000), ...truncations(wrappedDoc, 100), ...extensions(wrappedDoc, 100),
    ]);
  });

  it('share bundles: 1,000 flips, 100 truncations, 100 extensions', async () => {
    const shareKey = rng(32) as ShareKey;
    const sealed = sealShareBundle(shareKey, 'shr_1', utf8('{"studies":["s1"]}'), rng);
    await expectAllRejected('bundle', sealed, (b) => openShareBundle(shareKey, 'shr_1', b), [
      ...flips(sealed, 1000), ...truncations(sealed, 100), ...extensions(sealed, 100),
    ]);
  });

  it('blob streams: 3,000 flips across header, segment bodies and tags, 300 truncations, 300 extensions', async () => {
    const key = generateDocumentKey(rng);
    const ct = await encryptBlob(key, 'blob_1', rng(2 * SEGMENT_BYTES + 500));
    const tagRanges: [number, number][] = [1, 2, 3].map((i) => {
      const end = Math.min(ct.length, BLOB_HEADER_BYTES + i * (SEGMENT_BYTES + 16));
      return [end - 16, end];
    });
    const mutations = [
      ...flips(ct, 1000, [0, BLOB_HEADER_BYTES]),
      ...tagRanges.flatMap((r) => flips(ct, 334, r)),
      ...flips(ct, 998, [BLOB_HEADER_BYTES, ct.length]),
      ...truncations(ct, 300),
      ...extensions(ct, 300),
    ];
    await expectAllRejected('blob', ct, (b) => decryptBlob(key, 'blob_1', b), mutations);
  }, 120_000);
});
