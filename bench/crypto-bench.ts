// Crypto figures (issue: foundation), runnable unchanged in Node and in a
// browser page: bench/index.ts runs it in both and prints the figures.
import { ed25519 } from '@noble/curves/ed25519.js';
import { scrypt as nobleScrypt } from '@noble/hashes/scrypt.js';
import { scrypt as wasmScrypt } from 'hash-wasm';
import {
  createKdfParams,
  decryptBlobStream,
  encryptBlobStream,
  generateDeviceKeyPair,
  generateDocumentKey,
  GENESIS_HASH,
  openRecord,
  sealRecord,
  splitIntoParts,
  blobCiphertextSize,
  PART_BYTES,
  type RecordHeader,
} from '../crypto/index.ts';
import { encodeFields } from '../crypto/_fields.ts';
import { seededRandom } from '../crypto/_seeded-random.ts';

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

const MB = 1e6;
const SEGMENT = 65536;
const IN_FLIGHT = 8; // the blob stream's default

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const IV = (i: number) => {
  const n = new Uint8Array(12);
  new DataView(n.buffer).setUint32(8, i);
  return n;
};

/** Raw WebCrypto AES-256-GCM over the same bytes, in 64 KiB calls with the stream's number in flight. */
async function rawAesGcm(data: Uint8Array<ArrayBuffer>): Promise<{ enc: number; dec: number }> {
  const key = await crypto.subtle.importKey('raw', new Uint8Array(32).fill(7), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const t0 = performance.now();
  const cts: ArrayBuffer[] = [];
  const window: Promise<ArrayBuffer>[] = [];
  for (let at = 0, i = 0; at < data.length; at += SEGMENT, i++) {
    window.push(crypto.subtle.encrypt({ name: 'AES-GCM', iv: IV(i) }, key, data.subarray(at, at + SEGMENT)));
    if (window.length >= IN_FLIGHT) cts.push(await window.shift()!);
  }
  cts.push(...(await Promise.all(window)));
  const t1 = performance.now();
  const pending: Promise<ArrayBuffer>[] = [];
  for (let i = 0; i < cts.length; i++) {
    pending.push(crypto.subtle.decrypt({ name: 'AES-GCM', iv: IV(i) }, key, cts[i]!));
    if (pending.length >= IN_FLIGHT) await pending.shift();
  }
  await Promise.all(pending);
  return { enc: t1 - t0, dec: performance.now() - t1 };
}

/** The blob stream in its phases, then as the upload pipeline (encrypt → 1 MiB parts addressed by SHA-256). */
async function blobStream(data: Uint8Array): Promise<{ enc: number; dec: number; encAddress: number }> {
  const key = generateDocumentKey();
  const source = { size: data.length, chunks: [data] };
  let t0 = performance.now();
  const ct: Uint8Array[] = [];
  for await (const piece of encryptBlobStream(key, 'bench', source)) ct.push(piece);
  const enc = performance.now() - t0;

  t0 = performance.now();
  let n = 0;
  for await (const chunk of decryptBlobStream(key, 'bench', ct)) n += chunk.length;
  const dec = performance.now() - t0;
  if (n !== data.length) throw new Error('blob stream bench: wrong length');

  t0 = performance.now();
  let parts = 0;
  for await (const part of splitIntoParts(encryptBlobStream(key, 'bench', source))) parts += part.address.length === 64 ? 1 : 0;
  if (parts !== Math.ceil(blobCiphertextSize(data.length) / PART_BYTES)) throw new Error('blob stream bench: wrong parts');
  return { enc, dec, encAddress: performance.now() - t0 };
}

async function rawSha256(data: Uint8Array<ArrayBuffer>): Promise<number> {
  const t0 = performance.now();
  const parts: Promise<ArrayBuffer>[] = [];
  for (let at = 0; at < data.length; at += 1 << 20) parts.push(crypto.subtle.digest('SHA-256', data.subarray(at, at + (1 << 20))));
  await Promise.all(parts);
  return performance.now() - t0;
}

/** The record's signature checked the way crypto/ did before it used WebCrypto. */
function nobleVerify(sealed: Uint8Array, publicKey: Uint8Array): void {
  const msg = encodeFields('kura/record-sig/v1', sealed.subarray(0, sealed.length - 64));
  if (!ed25519.verify(sealed.subarray(sealed.length - 64), msg, publicKey, { zip215: false })) throw new Error('bad signature');
}

export async function benchCrypto(
  report: (f: Figure) => void,
  options: { blobMiB?: number; rounds?: number } = {},
) {
  const bytes = (options.blobMiB ?? 64) * 1024 * 1024;
  const rounds = options.rounds ?? 5;
  const data = seededRandom('bench data')(bytes) as Uint8Array<ArrayBuffer>;
  const mbs = (ms: number) => bytes / MB / (ms / 1000);

  // Interleave the measurements so noise on this shared machine hits all alike.
  const raw: { enc: number; dec: number }[] = [];
  const stream: Awaited<ReturnType<typeof blobStream>>[] = [];
  const sha: number[] = [];
  await blobStream(data.subarray(0, 4 << 20)); // warm-up
  for (let r = 0; r < rounds; r++) {
    raw.push(await rawAesGcm(data));
    stream.push(await blobStream(data));
    sha.push(await rawSha256(data));
  }
  const rawEnc = mbs(median(raw.map((x) => x.enc)));
  const rawDec = mbs(median(raw.map((x) => x.dec)));
  const rawBoth = mbs(median(raw.map((x) => x.enc + x.dec)));
  const enc = mbs(median(stream.map((x) => x.enc)));
  const dec = mbs(median(stream.map((x) => x.dec)));
  const both = mbs(median(stream.map((x) => x.enc + x.dec)));
  const full = mbs(median(stream.map((x) => x.encAddress + x.dec)));
  report({ name: 'raw AES-256-GCM encrypt (64 KiB calls, 8 in flight)', value: rawEnc, unit: 'MB/s' });
  report({ name: 'blob stream encrypt', value: enc, unit: 'MB/s' });
  report({ name: 'raw AES-256-GCM decrypt', value: rawDec, unit: 'MB/s' });
  report({ name: 'blob stream decrypt', value: dec, unit: 'MB/s' });
  report({ name: 'framing + padding: stream encrypt+decrypt / raw', value: (100 * both) / rawBoth, unit: '%' });
  report({ name: 'raw SHA-256 (1 MiB calls)', value: mbs(median(sha)), unit: 'MB/s' });
  report({ name: 'blob stream encrypt+address+decrypt', value: full, unit: 'MB/s' });
  report({ name: 'blob stream encrypt+address+decrypt / raw encrypt+decrypt', value: (100 * full) / rawBoth, unit: '%' });

  const password = new TextEncoder().encode('correct horse battery staple');
  const params = createKdfParams();
  const cost = { N: 2 ** params.logN, r: params.r, p: params.p, dkLen: 32 };
  const noble: number[] = [];
  const wasm: number[] = [];
  for (let r = 0; r < 3; r++) {
    let t0 = performance.now();
    const a = nobleScrypt(password, params.salt, cost);
    noble.push(performance.now() - t0);
    t0 = performance.now();
    const b = await wasmScrypt({
      password, salt: params.salt, costFactor: cost.N, blockSize: cost.r, parallelism: cost.p, hashLength: 32, outputType: 'binary',
    });
    wasm.push(performance.now() - t0);
    if (a.some((x, i) => x !== b[i])) throw new Error('scrypt implementations disagree');
  }
  report({ name: 'scrypt N=2^17 r=8 p=1, @noble/hashes', value: median(noble), unit: 'ms' });
  report({ name: 'scrypt N=2^17 r=8 p=1, hash-wasm (used)', value: median(wasm), unit: 'ms' });

  const rng = seededRandom('bench records');
  const device = generateDeviceKeyPair(rng);
  const docKey = generateDocumentKey(rng);
  const body = rng(500);
  const header = (i: number): RecordHeader => ({
    facilityId: 'fac_bench', recordId: `r${i}`, docId: 'study_1', patientKey: 'AAAAAAAAAAAAAAAAAAAAAA',
    kind: 'study-update', keyId: 'k1', deviceId: 'dev_1', deviceSeq: i + 1, prevHash: GENESIS_HASH,
  });
  const count = 3000;
  let t0 = performance.now();
  const sealed: Uint8Array[] = [];
  for (let i = 0; i < count; i++) sealed.push(sealRecord({ header: header(i), body, docKey, deviceSecretKey: device.secretKey }));
  const sealMs = performance.now() - t0;
  t0 = performance.now();
  // In pages of 100, as a pull delivers them.
  for (let i = 0; i < sealed.length; i += 100) {
    await Promise.all(
      sealed.slice(i, i + 100).map((s) => openRecord(s, { docKey, devicePublicKey: device.publicKey, expect: { facilityId: 'fac_bench' } })),
    );
  }
  const openMs = performance.now() - t0;
  report({ name: 'records sealed+signed (500 B body)', value: count / (sealMs / 1000), unit: '/s' });
  report({ name: 'records opened+verified (500 B body, pages of 100)', value: count / (openMs / 1000), unit: '/s' });
  t0 = performance.now();
  for (const s of sealed.slice(0, 500)) nobleVerify(s, device.publicKey);
  report({ name: 'Ed25519 verify, @noble/curves (before: WebCrypto is used)', value: 500 / ((performance.now() - t0) / 1000), unit: '/s' });
}
