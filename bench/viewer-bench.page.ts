// The viewer suite's baselines, run in Chromium started directly with an
// on-disk profile (bench/browser-direct.ts): what one 512×512 CT slice costs
// without Cornerstone, so the viewer's figures can be read against them.
//   - read + decrypt through the real vault (createVault on Dexie, registered
//     with a real server, on this page's thread; in the app the same code runs
//     in the vault worker and transfers the bytes to the page);
//   - read + decrypt alone: the vault's readBlob steps (Dexie bulkGet of the
//     encrypted parts + decryptBlob from crypto/) on the same files, without
//     opening the study's document;
//   - parse + VOI LUT + draw: dicom-parser, the CT window 40/400 through the
//     rescale into an RGBA buffer, putImageData on a 512×512 canvas.
// Figures go back as "name|unit" → value.
import Dexie from 'dexie';
import dicomParser from 'dicom-parser';
import { decryptBlob, encryptBlobStream, generateDocumentKey, splitIntoParts } from '../crypto/index.ts';
import { getParts, KuraDb, putParts, readParts } from '../pwa/src/db/index.ts';
import { createVault } from '../pwa/src/vault/create-vault.ts';
import type { ImportSource } from '../pwa/src/vault/vault-api.ts';

const setup = JSON.parse(decodeURIComponent(location.hash.slice(1))) as { kura: string; patientId: string };
const ADMIN = { name: 'Bench Admin', password: 'correct horse battery staple' };

const figures: Record<string, number> = {};
const fig = (name: string, unit: string, value: number) => (figures[`${name}|${unit}`] = value);
const log = (message: string) => fetch('/log', { method: 'POST', body: message });
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => sorted(xs)[Math.min(xs.length - 1, Math.floor(0.95 * xs.length))]!;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function stackFiles(): Promise<Uint8Array<ArrayBuffer>[]> {
  const bytes = new Uint8Array(await (await fetch('/stack.bin')).arrayBuffer());
  const sizes = (await (await fetch('/stack.json')).json()) as number[];
  let at = 0;
  return sizes.map((size) => bytes.slice(at, (at += size)));
}

/** Times `step` on each item in order, one at a time, as a stack is scrolled. */
async function each<T>(items: T[], step: (item: T) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (const item of items) {
    const t0 = performance.now();
    await step(item);
    out.push(performance.now() - t0);
  }
  return out;
}

function perSlice(name: string, ms: number[]): void {
  fig(`${name}, one slice, median`, 'ms', median(ms));
  fig(`${name}, one slice, p95`, 'ms', p95(ms));
  fig(`${name}, all ${ms.length} slices one after another`, 'ms', sum(ms));
}

// ── through the vault ───────────────────────────────────────────────────

async function throughVault(files: Uint8Array<ArrayBuffer>[]): Promise<void> {
  const db = new KuraDb('bench-viewer');
  // The default scrypt cost, as a clinic's members get it.
  const vault = createVault({ db, fetch: (input, init) => fetch(input, init), storage: null, deviceLabel: 'bench' });
  await vault.register({ serverUrl: setup.kura, facilityName: 'Bench Clinic', adminName: ADMIN.name, password: ADMIN.password });
  await vault.confirmKitSaved();
  const sources: ImportSource[] = files.map((bytes, i) => {
    const name = `ct-${String(i + 1).padStart(3, '0')}.dcm`;
    return { file: new File([bytes], name), path: `stack/${name}` };
  });
  const plan = await vault.planImport(sources);
  const summary = await vault.commitImport(plan.planId, {});
  if (summary.imported !== files.length) throw new Error(`imported ${summary.imported} of ${files.length}`);
  const answer = await vault.search(`pn:${setup.patientId}`);
  const studyId = answer.groups[0]?.studies[0]?.studyId;
  if (!studyId) throw new Error('the imported stack is not found by its patient number');

  const studyMs: number[] = [];
  let instances: string[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    const details = await vault.study(studyId);
    studyMs.push(performance.now() - t0);
    instances = details!.series[0]!.instances.map((i) => i.sopInstanceUid);
  }
  fig(`vault.study() of the ${files.length}-slice study (series and instances, no pixels), median of 5`, 'ms', median(studyMs));
  // Twice: the first pass meets a cold IndexedDB (as the viewer's first pass does after an import), the second a warm one.
  await log('reading the stack through vault.readInstanceBytes…');
  const first = await each(instances, (sop) => vault.readInstanceBytes(studyId, sop));
  perSlice('vault.readInstanceBytes (read + decrypt), first pass', first);
  perSlice('vault.readInstanceBytes (read + decrypt), second pass', await each(instances, (sop) => vault.readInstanceBytes(studyId, sop)));
  await vault.lock();
  db.close();
}

// ── read + decrypt alone ────────────────────────────────────────────────

async function readDecryptAlone(files: Uint8Array[]): Promise<void> {
  // The vault's own tables and part store: parts packed into pages, as it stores them.
  const db = new KuraDb('bench-viewer-scratch');
  const key = generateDocumentKey();
  // Encrypted and cut into parts as the vault's encryptFile does.
  const blobs: { blobId: string; parts: string[] }[] = [];
  for (const [i, bytes] of files.entries()) {
    const blobId = `bl-bench-${i}`;
    const parts: { address: string; bytes: Uint8Array }[] = [];
    for await (const part of splitIntoParts(encryptBlobStream(key, blobId, { size: bytes.length, chunks: [bytes] }))) {
      parts.push({ address: part.address, bytes: part.bytes.slice() });
    }
    await db.transaction('rw', db.blobParts, db.partPages, () => putParts(db, parts));
    blobs.push({ blobId, parts: parts.map((r) => r.address) });
  }
  const read = async (blob: { blobId: string; parts: string[] }) => {
    const parts = await db.transaction('r', db.blobParts, db.partPages, () => getParts(db, blob.parts));
    return readParts(parts as Blob[]);
  };
  perSlice('read + decrypt alone (part store read + decryptBlob)', await each(blobs, async (b) => decryptBlob(key, b.blobId, await read(b))));
  const inMemory = await Promise.all(blobs.map(async (b) => ({ blobId: b.blobId, ciphertext: await read(b) })));
  perSlice('decrypt alone (decryptBlob, ciphertext in memory)', await each(inMemory, (b) => decryptBlob(key, b.blobId, b.ciphertext)));
  db.close();
  await Dexie.delete('bench-viewer-scratch');
}

// ── parse + VOI LUT + draw without Cornerstone ──────────────────────────

function parseLutDraw(files: Uint8Array[]): void {
  const canvas = document.createElement('canvas');
  canvas.width = 512;
  canvas.height = 512;
  document.body.append(canvas);
  const context = canvas.getContext('2d')!;
  const ms: number[] = [];
  for (const bytes of files) {
    const t0 = performance.now();
    const set = dicomParser.parseDicom(bytes);
    const rows = set.uint16('x00280010')!;
    const columns = set.uint16('x00280011')!;
    const slope = set.floatString('x00281053') ?? 1;
    const intercept = set.floatString('x00281052') ?? 0;
    const center = set.floatString('x00281050') ?? 40;
    const width = set.floatString('x00281051') ?? 400;
    const element = set.elements['x7fe00010']!;
    const stored = new Uint16Array(bytes.buffer, bytes.byteOffset + element.dataOffset, rows * columns);
    // A LUT over every stored value (12 bits), as a viewer builds once per window.
    const lut = new Uint8ClampedArray(4096);
    const low = center - width / 2;
    for (let v = 0; v < 4096; v++) lut[v] = ((v * slope + intercept - low) / width) * 255;
    const image = context.createImageData(columns, rows);
    const rgba = new Uint32Array(image.data.buffer);
    for (let p = 0; p < stored.length; p++) {
      const g = lut[stored[p]! & 4095]!;
      rgba[p] = 0xff000000 | (g << 16) | (g << 8) | g;
    }
    context.putImageData(image, 0, 0);
    ms.push(performance.now() - t0);
  }
  perSlice('parse + VOI LUT + draw, without Cornerstone', ms);
}

async function main(): Promise<Record<string, number>> {
  const files = await stackFiles();
  await throughVault(files);
  await readDecryptAlone(files);
  parseLutDraw(files);
  return figures;
}

main().then(
  (f) => fetch('/result', { method: 'POST', body: JSON.stringify(f) }),
  (e: unknown) => fetch('/result', { method: 'POST', body: JSON.stringify({ error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) }) }),
);
