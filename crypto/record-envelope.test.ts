import { readFileSync } from 'node:fs';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, utf8 } from './_bytes.ts';
import { encodeFields } from './_fields.ts';
import { seededRandom } from './_seeded-random.ts';
import { generateDeviceKeyPair } from './device-key.ts';
import { IntegrityError } from './integrity-error.ts';
import { generateDocumentKey, type DocumentKey } from './keys.ts';
import {
  checkDeviceChain,
  GENESIS_HASH,
  hashRecord,
  openRecord,
  parseRecordHeader,
  sealRecord,
  sealRecordRun,
  verifyRecordSignature,
  type RecordHeader,
} from './record-envelope.ts';

const rng = seededRandom('records');
const device = generateDeviceKeyPair(rng);
const docKey = generateDocumentKey(rng);
const header: RecordHeader = {
  facilityId: 'fac_a',
  recordId: '01J9Z3X7Q8M2K4N6P8R0T2V4W6',
  docId: 'study_1',
  patientKey: 'AAAAAAAAAAAAAAAAAAAAAA',
  kind: 'study-update',
  keyId: 'study_1-k1',
  deviceId: 'dev_1',
  deviceSeq: 1,
  prevHash: GENESIS_HASH,
};
const open = (sealed: Uint8Array, over: Partial<Parameters<typeof openRecord>[1]> = {}) =>
  openRecord(sealed, { docKey, devicePublicKey: device.publicKey, expect: { facilityId: 'fac_a' }, ...over });

describe('record envelope', () => {
  it('seals and opens; the server reads only the public header', async () => {
    const body = utf8('{"patientName":"Yamada^Taro"}');
    const sealed = sealRecord({ header, body, docKey, deviceSecretKey: device.secretKey, rng });
    expect((await open(sealed)).body).toEqual(body);
    expect(parseRecordHeader(sealed)).toEqual(header);
    expect(await verifyRecordSignature(sealed, device.publicKey)).toEqual(header);
    expect(Buffer.from(sealed).includes(Buffer.from('Yamada'))).toBe(false);
  });

  it('seals a run of records chained in order, the same bytes as sealRecord one by one', async () => {
    const otherDocKey = generateDocumentKey(rng);
    const items = [0, 1, 2, 3, 4].map((i) => {
      const { deviceSeq: _seq, prevHash: _prev, ...rest } = header;
      return { header: { ...rest, recordId: `${header.recordId.slice(0, -1)}${i}` }, body: utf8(`{"instances":${i}}`), docKey: i % 2 ? otherDocKey : docKey };
    });
    const start = { deviceSeq: 7, prevHash: new Uint8Array(32).fill(9) };
    const run = await sealRecordRun(items, start, device.secretKey, seededRandom('run'));
    const oneByOne: Uint8Array[] = [];
    const same = seededRandom('run');
    let prevHash: Uint8Array = start.prevHash;
    for (const [i, item] of items.entries()) {
      const sealed = sealRecord({ header: { ...item.header, deviceSeq: 8 + i, prevHash }, body: item.body, docKey: item.docKey, deviceSecretKey: device.secretKey, rng: same });
      oneByOne.push(sealed);
      prevHash = hashRecord(sealed);
    }
    expect(run.records.map((r) => Buffer.from(r).toString('hex'))).toEqual(oneByOne.map((r) => Buffer.from(r).toString('hex')));
    expect(run.head).toEqual({ deviceSeq: 12, prevHash });
    let previous: { deviceSeq: number; hash: Uint8Array } | null = { deviceSeq: 7, hash: start.prevHash };
    for (const record of run.records) {
      const parsed = await verifyRecordSignature(record, device.publicKey);
      checkDeviceChain(previous, parsed);
      previous = { deviceSeq: parsed.deviceSeq, hash: hashRecord(record) };
    }
    // The document keys given are not consumed (the run derives and zeroes its own).
    expect(docKey.some((b) => b !== 0)).toBe(true);
    // Another device's key signs differently (the cached key is per secret key).
    const other = generateDeviceKeyPair(rng);
    const [c] = (await sealRecordRun(items.slice(0, 1), start, other.secretKey, seededRandom('run'))).records;
    await expect(verifyRecordSignature(c!, device.publicKey)).rejects.toThrow(IntegrityError);
    expect((await verifyRecordSignature(c!, other.publicKey)).deviceSeq).toBe(8);
  });

  it('pads bodies so sizes show only roughly', () => {
    const size = (n: number) => sealRecord({ header, body: new Uint8Array(n), docKey, deviceSecretKey: device.secretKey }).length;
    expect(size(0)).toBe(size(50));
    expect(size(500)).toBe(size(505));
  });

  it('fails when moved to another record, study, patient or facility', async () => {
    const sealed = sealRecord({ header, body: utf8('x'), docKey, deviceSecretKey: device.secretKey, rng });
    // Re-signed by the same device with a changed header but the old ciphertext: the AAD no longer matches.
    const moved = (change: Partial<RecordHeader>) => {
      const other = sealRecord({ header: { ...header, ...change }, body: utf8('x'), docKey, deviceSecretKey: device.secretKey, rng });
      return resign(concatBytes(other.subarray(0, headerLength(other)), sealed.subarray(headerLength(sealed), sealed.length - 64)));
    };
    for (const change of [{ recordId: '01J9Z3X7Q8M2K4N6P8R0T2V4W7' }, { docId: 'study_2' }, { patientKey: 'BBBBBBBBBBBBBBBBBBBBBB' }, { facilityId: 'fac_b' }]) {
      const forged = moved(change);
      await expect(verifyRecordSignature(forged, device.publicKey)).resolves.toBeTruthy();
      await expect(open(forged, { expect: { facilityId: change.facilityId ?? 'fac_a' } })).rejects.toThrow(IntegrityError);
    }
    // An intact record found in another facility's log, or under another document, is refused too.
    await expect(open(sealed, { expect: { facilityId: 'fac_b' } })).rejects.toThrow(IntegrityError);
    await expect(open(sealed, { expect: { facilityId: 'fac_a', docId: 'study_2' } })).rejects.toThrow(IntegrityError);
    await expect(open(sealed, { expect: { facilityId: 'fac_a', patientKey: 'BBBBBBBBBBBBBBBBBBBBBB' } })).rejects.toThrow(IntegrityError);
    await expect(open(sealed, { docKey: generateDocumentKey(rng) })).rejects.toThrow(IntegrityError);
  });

  it('fails when signed by another device', async () => {
    const other = generateDeviceKeyPair(rng);
    const sealed = sealRecord({ header, body: utf8('x'), docKey, deviceSecretKey: other.secretKey, rng });
    await expect(verifyRecordSignature(sealed, device.publicKey)).rejects.toThrow(IntegrityError);
    await expect(open(sealed)).rejects.toThrow(IntegrityError);
  });

  it('chains each device’s records: gaps, replays and forks are detected', () => {
    const r1 = sealRecord({ header, body: utf8('1'), docKey, deviceSecretKey: device.secretKey, rng });
    const h1 = hashRecord(r1);
    const r2h = { ...header, deviceSeq: 2, prevHash: h1 };
    checkDeviceChain(null, header);
    checkDeviceChain({ deviceSeq: 1, hash: h1 }, r2h);
    expect(() => checkDeviceChain(null, r2h)).toThrow(IntegrityError);
    expect(() => checkDeviceChain({ deviceSeq: 1, hash: h1 }, { ...r2h, deviceSeq: 3 })).toThrow(IntegrityError);
    expect(() => checkDeviceChain({ deviceSeq: 1, hash: h1 }, header)).toThrow(IntegrityError);
    expect(() => checkDeviceChain({ deviceSeq: 1, hash: h1 }, { ...r2h, prevHash: GENESIS_HASH })).toThrow(IntegrityError);
  });

  it('opens the frozen v1 vector with today’s reader', async () => {
    const vector = JSON.parse(readFileSync(new URL('./vectors/record.v1.json', import.meta.url), 'utf8'));
    const c = vector.cases[0];
    const pub = ed25519.getPublicKey(fromHex(c.input.deviceSecretKey));
    const opened = await openRecord(fromHex(c.output.sealed), {
      docKey: fromHex(c.input.docKey) as DocumentKey,
      devicePublicKey: pub,
      expect: { facilityId: c.input.header.facilityId, docId: c.input.header.docId },
    });
    expect(new TextDecoder().decode(opened.body)).toBe(c.input.body);
  });
});

function headerLength(sealed: Uint8Array): number {
  let at = 1;
  for (let i = 0; i < 7; i++) at += 1 + sealed[at]!;
  return at + 40;
}

/** Signs altered bytes as the legitimate device would: only the AEAD can then catch the move. */
function resign(unsigned: Uint8Array): Uint8Array {
  return concatBytes(unsigned, ed25519.sign(encodeFields('kura/record-sig/v1', unsigned), device.secretKey));
}
