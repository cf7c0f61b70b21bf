// The app figures (issue: the app), each measured in headless Debian
// Chromium with an on-disk profile (Playwright's default context keeps
// IndexedDB in memory, which flatters every storage figure):
//   1. import throughput of the real vault (plan + commit of DICOM files into
//      Dexie, registered against a real server) beside a raw Dexie bulkPut of
//      the same bytes in the same run;
//   2. search latency through the vault's search() at the largest N seeded;
//   3. unlock → searchable at 10 %, 30 % and 100 % of N studies, the KDF and
//      the rest apart;
//   4. JS and CSS fetched before the first screen, gzip sizes of dist/pwa.
// Node prepares the data (corpus copies with fresh UIDs, one small DICOM per
// synthetic study) and serves it to the page; the page does the measuring.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { readDicomTags } from '../pwa/src/dicom/index.ts';
import { writeTestDicom, type TestElement } from '../pwa/src/dicom/_write-test-dicom.ts';
import { startServerProcess } from '../sync-server/src/testing/server-process.ts';
import { CHROMIUM_ARGS } from './browser.ts';
import { bundleForBrowser, runPageDirect } from './browser-direct.ts';
import { DIST, ensureBuilt, REPO } from './built-app.ts';
import type { Figure } from './crypto-bench.ts';
import { syntheticStudies } from './synthetic-studies.ts';

const CORPUS = join(REPO, '..', 'shared', 'dicom-corpus');
/** The import figure needs enough bytes that IndexedDB's steady state, not warm-up, dominates; KURA_BENCH_APP_MB lowers it for a quick run. */
const IMPORT_BYTES = Number(process.env.KURA_BENCH_APP_MB ?? 200) * 1e6;
/**
 * The goal's size: 100,000 studies, seeded through the real import (~700
 * one-file studies/s here, so ~2.5 minutes), unlock measured at 10k, 30k
 * and 100k to show how it scales. KURA_BENCH_APP_STUDIES lowers it for a
 * quick run.
 */
const STUDIES = Number(process.env.KURA_BENCH_APP_STUDIES ?? 100_000);

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

// ── 1. the corpus, repeated with fresh UIDs ─────────────────────────────

/**
 * Positions of a UID a copy may rewrite: digits after the first two
 * components (so the root still reads 1.2… or 2.25…) that do not lead a
 * multi-digit component (DICOM forbids leading zeros). The earliest ones are
 * taken: UIDs of one file usually differ near their end, so rewriting near
 * the start keeps them apart from each other within a copy.
 */
function rewritablePositions(uid: string, count: number): number[] {
  const out: number[] = [];
  let component = 0;
  for (let i = 0; i < uid.length && out.length < count; i++) {
    if (uid[i] === '.') {
      component++;
      continue;
    }
    const leading = i === 0 || uid[i - 1] === '.';
    const multi = i + 1 < uid.length && uid[i + 1] !== '.';
    if (component >= 2 && !(leading && multi)) out.push(i);
  }
  return out;
}

/** The UID of copy `k`: the same length, digits only changed, so every element keeps its length. */
function uidOfCopy(uid: string, k: number, digits: number): string {
  const positions = rewritablePositions(uid, digits);
  if (positions.length < digits) throw new Error(`UID ${uid} has too few digits to vary`);
  const chars = [...uid];
  const code = String(k).padStart(digits, '0');
  positions.forEach((p, i) => (chars[p] = code[i]!));
  return chars.join('');
}

/**
 * Every occurrence of `uid` in the file, but not as the head of a longer UID
 * (a series UID is often the study's plus ".1"). The byte before is not
 * checked: it is the value's length, which may be any byte, a digit too
 * (big-endian files). A false match inside some other UID only varies that
 * UID as well; the trial read in readableCorpus checks the result.
 */
function occurrences(bytes: Uint8Array, uid: string): number[] {
  const needle = Buffer.from(uid, 'latin1');
  const hay = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) {
    if (hay[at + needle.length] !== 0x2e) out.push(at);
  }
  return out;
}

interface CorpusFile {
  path: string;
  bytes: Uint8Array;
  uids: { uid: string; at: number[] }[];
}

async function readableCorpus(): Promise<CorpusFile[]> {
  const files: CorpusFile[] = [];
  const sops = new Set<string>();
  for (const path of walk(CORPUS)) {
    if (/\.(json|md)$/.test(path)) continue;
    const bytes = new Uint8Array(readFileSync(path));
    let tags;
    try {
      tags = await readDicomTags(bytes, path);
    } catch {
      continue; // not readable DICOM (pydicom__MR_truncated.dcm): the vault would refuse it
    }
    // DICOMDIRs hold no image; files sharing a SOP Instance UID (the wg04 variants) would be skipped as duplicates.
    if (tags.isDicomDir || !tags.sopInstanceUid || sops.has(tags.sopInstanceUid)) continue;
    const uids = [...new Set([tags.sopInstanceUid, tags.seriesInstanceUid, tags.studyInstanceUid].filter((u): u is string => !!u))];
    const file = { path: relative(CORPUS, path), bytes, uids: uids.map((uid) => ({ uid, at: occurrences(bytes, uid) })) };
    // A trial copy must read back with its new UIDs: a deflated data set
    // (pydicom__image_dfl.dcm) hides its UIDs from an in-place rewrite.
    const trial = rewrite(file, 1, 4);
    const back = await readDicomTags(trial, path).catch(() => null);
    const want = (uid: string | null) => (uid ? uidOfCopy(uid, 1, 4) : null);
    if (
      !back ||
      back.sopInstanceUid !== want(tags.sopInstanceUid) ||
      back.seriesInstanceUid !== want(tags.seriesInstanceUid) ||
      back.studyInstanceUid !== want(tags.studyInstanceUid)
    ) {
      console.error(`  import corpus: leaving out ${file.path}: its UIDs cannot be rewritten in place`);
      continue;
    }
    sops.add(tags.sopInstanceUid);
    files.push(file);
  }
  return files;
}

/** Copy `k` of a corpus file: its UIDs rewritten at every place they occur. */
function rewrite(f: CorpusFile, k: number, digits: number, into = new Uint8Array(f.bytes.length), at = 0): Uint8Array {
  into.set(f.bytes, at);
  for (const { uid, at: positions } of f.uids) {
    const next = Buffer.from(uidOfCopy(uid, k, digits), 'latin1');
    for (const p of positions) into.set(next, at + p);
  }
  return into;
}

/** The corpus repeated to `minBytes`, each copy with its own SOP, Series and Study Instance UIDs. */
async function corpusCopies(minBytes: number): Promise<{ bin: Uint8Array; index: { name: string; size: number }[]; unique: number; copies: number }> {
  const corpus = await readableCorpus();
  const unique = corpus.reduce((n, f) => n + f.bytes.length, 0);
  const copies = Math.ceil(minBytes / unique);
  const digits = String(copies).length + 1;
  const bin = new Uint8Array(unique * copies);
  const index: { name: string; size: number }[] = [];
  // New UID → the original it stands for: a UID reused across copies or
  // files would make the vault skip or merge instances.
  const made = new Map<string, string>(corpus.flatMap((f) => f.uids.map((u) => [u.uid, `original ${u.uid}`] as const)));
  let at = 0;
  for (let k = 1; k <= copies; k++) {
    for (const f of corpus) {
      rewrite(f, k, digits, bin, at);
      for (const { uid } of f.uids) {
        const next = uidOfCopy(uid, k, digits);
        const before = made.get(next);
        if (before !== undefined && before !== `${k}:${uid}`) throw new Error(`corpus copy ${k}: UID ${next} of ${uid} collides with ${before}`);
        made.set(next, `${k}:${uid}`);
      }
      index.push({ name: `copy${k}/${f.path}`, size: f.bytes.length });
      at += f.bytes.length;
    }
  }
  return { bin, index, unique: corpus.length, copies };
}

// ── 3. one small DICOM per synthetic study ──────────────────────────────

const utf8 = (s: string) => new TextEncoder().encode(s);

/** A 16×16 CT-like instance carrying the study's searchable fields, UTF-8 (ISO_IR 192) for the Japanese names. */
function studyDicom(i: number, e: ReturnType<typeof syntheticStudies>[number]): Uint8Array {
  const study = `1.2.826.0.1.3680043.8.498.7.${i + 1}`;
  const sop = `${study}.1.1`;
  const name = [e.patientName.alphabetic, e.patientName.ideographic, e.patientName.phonetic].join('=').replace(/=+$/, '');
  const modality = e.modalities[0] ?? 'OT';
  const pixels = new Uint8Array(16 * 16 * 2);
  for (let p = 0; p < pixels.length; p++) pixels[p] = (p * 7 + i) & 0xff;
  const elements: TestElement[] = [
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' },
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
    { tag: 0x00080018, vr: 'UI', value: sop },
    { tag: 0x00080020, vr: 'DA', value: e.studyDate },
    { tag: 0x00080050, vr: 'SH', value: e.accessionNumber },
    { tag: 0x00080060, vr: 'CS', value: modality },
    { tag: 0x00080080, vr: 'LO', value: utf8(e.facility) },
    { tag: 0x00081030, vr: 'LO', value: utf8(e.description) },
    { tag: 0x00100010, vr: 'PN', value: utf8(name) },
    { tag: 0x00100020, vr: 'LO', value: e.patientNumber },
    { tag: 0x00100030, vr: 'DA', value: e.patientBirthDate },
    { tag: 0x00100040, vr: 'CS', value: e.patientSex },
    { tag: 0x00180015, vr: 'CS', value: e.bodyPart },
    { tag: 0x0020000d, vr: 'UI', value: study },
    { tag: 0x0020000e, vr: 'UI', value: `${study}.1` },
    { tag: 0x00200011, vr: 'IS', value: '1' },
    { tag: 0x00200013, vr: 'IS', value: '1' },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280010, vr: 'US', value: 16 },
    { tag: 0x00280011, vr: 'US', value: 16 },
    { tag: 0x00280100, vr: 'US', value: 16 },
    { tag: 0x7fe00010, vr: 'OW', value: pixels },
  ];
  return writeTestDicom(elements, {
    meta: { transferSyntaxUid: '1.2.840.10008.1.2.1', sopClassUid: '1.2.840.10008.5.1.4.1.1.7', sopInstanceUid: sop },
  });
}

function seedFiles(count: number): { bin: Uint8Array; sizes: number[] } {
  // A patient's studies arrive together, as from one patient's CD: a study
  // for a patient stored by an earlier import makes commitImport load that
  // patient's document (read + parse its log pages), which doubled the
  // seeding time per study here.
  const files = syntheticStudies(count)
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.patientKey.localeCompare(b.e.patientKey) || a.i - b.i)
    .map(({ e, i }) => studyDicom(i, e));
  const bin = new Uint8Array(files.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of files) {
    bin.set(f, at);
    at += f.length;
  }
  return { bin, sizes: files.map((f) => f.length) };
}

// ── 4. the first screen ─────────────────────────────────────────────────


async function firstScreen(report: (f: Figure) => void): Promise<void> {
  ensureBuilt();
  const server = await startServerProcess();
  const profile = mkdtempSync(join(tmpdir(), 'kura-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.baseUrl}/`);
    // The first screen of a new device: its controls are usable.
    await page.getByRole('button', { name: 'Register facility' }).waitFor({ state: 'visible' });
    const shownAt = await page.evaluate(() => performance.now());
    const urls = await page.evaluate(() => [
      ...performance.getEntriesByType('resource').map((e) => e.name),
      ...[...document.querySelectorAll<HTMLScriptElement>('script[src]')].map((s) => s.src),
      ...[...document.querySelectorAll<HTMLLinkElement>('link[rel=stylesheet], link[rel=modulepreload]')].map((l) => l.href),
    ]);
    const origin = new URL(server.baseUrl).origin;
    const paths = [...new Set(urls.filter((u) => u.startsWith(origin)).map((u) => new URL(u).pathname))];
    const gz = (path: string) => gzipSync(readFileSync(join(DIST, path)), { level: 6 }).length;
    // Workers (the vault worker, the service worker) load beside the page, not before its first screen.
    const isWorker = (p: string) => /worker[^/]*\.js$/.test(p) || p === '/sw.js';
    const js = paths.filter((p) => p.endsWith('.js') && !isWorker(p));
    const css = paths.filter((p) => p.endsWith('.css'));
    for (const p of [...js, ...css]) console.error(`  first screen loads ${p}: ${(gz(p) / 1024).toFixed(1)} KiB gzip`);
    const jsKb = js.reduce((n, p) => n + gz(p), 0) / 1000;
    report({ name: 'first screen (Register facility visible), from navigation', value: shownAt, unit: 'ms' });
    report({ name: `JS before the first screen, gzip -6 (${js.length} files)`, value: jsKb, unit: 'KB' });
    report({ name: 'JS before the first screen / 250 KB goal', value: (100 * jsKb) / 250, unit: '%' });
    report({ name: `CSS before the first screen, gzip -6 (${css.length} files)`, value: css.reduce((n, p) => n + gz(p), 0) / 1000, unit: 'KB' });
    const assets = readdirSync(join(DIST, 'assets'));
    for (const w of assets.filter((a) => /worker.*\.js$/.test(a))) {
      report({ name: `worker chunk ${w.replace(/-[\w-]{8}\.js$/, '')} (loaded separately), gzip -6`, value: gz(`assets/${w}`) / 1000, unit: 'KB' });
    }
    const lazy = assets.filter((a) => a.endsWith('.js') && !/worker/.test(a) && !js.includes(`/assets/${a}`));
    report({ name: `JS loaded later (${lazy.length} chunks: viewer, …), gzip -6`, value: lazy.reduce((n, a) => n + gz(`assets/${a}`), 0) / 1000, unit: 'KB' });
  } finally {
    await context.close();
    await server.stop();
    rmSync(profile, { recursive: true, force: true });
  }
}

// ── the suite ───────────────────────────────────────────────────────────

export async function benchApp(report: (f: Figure) => void): Promise<void> {
  await firstScreen(report);

  const t0 = performance.now();
  const corpus = await corpusCopies(IMPORT_BYTES);
  const seed = seedFiles(STUDIES);
  console.error(
    `  prepared ${corpus.copies} copies of ${corpus.unique} corpus files (${(corpus.bin.length / 1e6).toFixed(0)} MB) and ` +
      `${STUDIES} study files (${(seed.bin.length / 1e6).toFixed(0)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const server = await startServerProcess();
  try {
    const setup = { kura: server.baseUrl, studies: STUDIES };
    const figures = await runPageDirect(new URL('./app-bench.page.ts', import.meta.url).pathname, encodeURIComponent(JSON.stringify(setup)), 15 * 60_000, {
      '/corpus.bin': { body: corpus.bin, type: 'application/octet-stream' },
      '/corpus.json': { body: JSON.stringify(corpus.index), type: 'application/json' },
      '/seed.bin': { body: seed.bin, type: 'application/octet-stream' },
      '/seed.json': { body: JSON.stringify(seed.sizes), type: 'application/json' },
      '/encrypt.worker.js': { body: await bundleForBrowser(new URL('../pwa/src/workers/encrypt.worker.ts', import.meta.url).pathname), type: 'text/javascript' },
    });
    // The page names each figure "name|unit", in the order measured.
    for (const [key, value] of Object.entries(figures)) {
      const bar = key.lastIndexOf('|');
      report({ name: key.slice(0, bar), value, unit: key.slice(bar + 1) });
    }
  } finally {
    await server.stop();
  }
}
