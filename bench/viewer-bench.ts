// The viewer figures (issue: the viewer), measured on the real built app
// (dist/pwa, served by a real server from startServerProcess) in headless
// Debian Chromium with an on-disk profile (launchPersistentContext: the
// default context keeps IndexedDB in memory, which flatters every read), at
// 1024×768:
//   1. click on "View images" to the first pixels of a 512×512 16-bit CT,
//      with the viewer's chunk already loaded, over OPENS different studies;
//   2. frames per second scrolling a 200-slice CT stack with the keyboard,
//      the first pass (each slice read, decrypted and decoded for the first
//      time) and a second (Cornerstone's cache);
//   3. the viewer chunk's size, and the time to load it cold and from the
//      service worker's cache.
// Beside them, viewer-bench.page.ts measures what one slice costs without
// Cornerstone (read + decrypt through the vault and alone, parse + LUT + draw).
//
// Headless Chromium here has no GPU: the viewer chooses Cornerstone's CPU
// rendering (pwa/src/viewer/setup.ts), so every figure is of that path.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { startServerProcess } from '../sync-server/src/testing/server-process.ts';
import { CHROMIUM_ARGS } from './browser.ts';
import { runPageDirect } from './browser-direct.ts';
import { DIST, ensureBuilt, REPO } from './built-app.ts';
import type { Figure } from './crypto-bench.ts';
import { syntheticCtSeries } from './viewer-bench-data.ts';

const PASSWORD = 'copper meadow lantern six';
/** Studies opened for figure 1, after one warm-up open that loads the chunk and starts Cornerstone. */
const OPENS = Number(process.env.KURA_BENCH_VIEWER_OPENS ?? 10);
/** Slices in each of those studies: a short CT series, so the study's document is of a realistic size. */
const STUDY_SLICES = 16;
const STACK_SLICES = 200;
const OPEN_PATIENT = 'BENCH-OPEN';
const STACK_PATIENT = 'BENCH-STACK';

// ── the built app ───────────────────────────────────────────────────────


/** The viewer's own chunk (its static imports are the first screen's chunks and the workspace's). */
function viewerChunks(): { viewer: string; workspace: string; css: string[] } {
  const assets = readdirSync(join(DIST, 'assets'));
  const viewer = assets.find((a) => /^viewer-screen-.*\.js$/.test(a));
  const workspace = assets.find((a) => /^workspace-.*\.js$/.test(a));
  if (!viewer || !workspace) throw new Error('dist/pwa has no viewer-screen or workspace chunk');
  return { viewer: `/assets/${viewer}`, workspace: `/assets/${workspace}`, css: assets.filter((a) => /^viewer-screen-.*\.css$/.test(a)).map((a) => `/assets/${a}`) };
}

/** Whether the built viewer sets the performance marks (pwa/src adds them); until then Cornerstone's events stand in. */
function builtWithMarks(): boolean {
  const { viewer } = viewerChunks();
  return readFileSync(join(DIST, viewer), 'utf8').includes('kura:viewer-first-pixels');
}

// ── the page's instruments ──────────────────────────────────────────────

type EventKind = 'click' | 'open' | 'first' | 'render' | 'new';
interface BenchEvent {
  kind: EventKind;
  t: number;
  index?: number;
}

/** What the init script below records, read back with page.evaluate. */
interface Instruments {
  /**
   * click: on "View images"; open: the study was asked for; first: its first
   * image with pixels drawn; render: a later image drawn; new: Cornerstone
   * set slice `index` in the viewport (it is drawn at the next render).
   */
  events: BenchEvent[];
  waiters: { match: (e: BenchEvent) => boolean; resolve: (e: BenchEvent) => void }[];
}

/**
 * Runs in the page before the app. With the app's marks (kura:viewer-open,
 * kura:viewer-first-pixels, kura:viewer-image-rendered) it records them the
 * moment they are set (performance.mark is wrapped: a PerformanceObserver
 * delivers late, in a task of its own, which would slow the scroll loop
 * below). Without them it records the click on "View images" and, on each
 * viewport element, every CORNERSTONE_IMAGE_RENDERED that follows a
 * CORNERSTONE_STACK_NEW_IMAGE (an image is set, so the render has pixels).
 * Either way CORNERSTONE_STACK_NEW_IMAGE tells which slice the next render
 * draws: the marks carry no slice, and the viewer may draw one slice twice
 * (show() renders again after fitting the camera). Cornerstone's events do
 * not bubble: a MutationObserver finds each new viewport element.
 */
function instrument(useMarks: boolean): void {
  const b: Instruments = { events: [], waiters: [] };
  (window as unknown as { __bench: Instruments }).__bench = b;
  const push = (kind: EventKind, t: number, index?: number) => {
    const event = { kind, t, index };
    b.events.push(event);
    b.waiters = b.waiters.filter((w) => (w.match(event) ? (w.resolve(event), false) : true));
  };
  document.addEventListener(
    'click',
    (e) => {
      if ((e.target as Element | null)?.closest?.('.view-images-button')) push('click', e.timeStamp);
    },
    true,
  );
  if (useMarks) {
    const mark = performance.mark.bind(performance);
    const kinds: Record<string, EventKind> = {
      'kura:viewer-open': 'open',
      'kura:viewer-first-pixels': 'first',
      'kura:viewer-image-rendered': 'render',
    };
    performance.mark = (name: string, options?: PerformanceMarkOptions) => {
      const entry = mark(name, options);
      const kind = kinds[name];
      if (kind) push(kind, entry.startTime);
      return entry;
    };
  }
  const seen = new WeakSet<Element>();
  const attach = (element: Element) => {
    if (seen.has(element)) return;
    seen.add(element);
    let drawn = false;
    let pending = false;
    element.addEventListener('CORNERSTONE_STACK_NEW_IMAGE', (e) => {
      pending = true;
      push('new', performance.now(), (e as CustomEvent<{ imageIdIndex?: number }>).detail?.imageIdIndex ?? -1);
    });
    if (useMarks) return;
    element.addEventListener('CORNERSTONE_IMAGE_RENDERED', () => {
      if (!pending) return;
      push(drawn ? 'render' : 'first', performance.now());
      drawn = true;
      pending = false;
    });
  };
  new MutationObserver(() => document.querySelectorAll('.viewer-viewport').forEach(attach)).observe(document, { childList: true, subtree: true });
}

async function eventCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __bench: Instruments }).__bench.events.length);
}

async function eventsSince(page: Page, from: number): Promise<Instruments['events']> {
  return page.evaluate((n) => (window as unknown as { __bench: Instruments }).__bench.events.slice(n), from);
}

// ── the app, driven as a person would ───────────────────────────────────

async function register(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByRole('button', { name: 'Register facility' }).click();
  await page.getByLabel('Facility name').fill('Bench Imaging');
  await page.getByLabel('Your name').fill('Bench Admin');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirm password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Register facility' }).click();
  await page.getByLabel('I have saved or printed the Recovery Kit').check({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('searchbox', { name: 'Search' }).waitFor({ timeout: 30_000 });
}

async function importFiles(page: Page, files: string[]): Promise<number> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Import' }).click();
  const t0 = Date.now();
  await page.getByLabel('Import files').setInputFiles(files);
  await page.getByRole('heading', { name: 'Check before importing' }).waitFor({ timeout: 120_000 });
  await page.locator('form').getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText(new RegExp(`${files.length} imported, 0 skipped, 0 failed`)).waitFor({ timeout: 180_000 });
  const ms = Date.now() - t0;
  await page.getByRole('button', { name: 'Show studies' }).click();
  return ms;
}

async function openTimeline(page: Page, patientId: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search' }).fill(`pn:${patientId}`);
  // The list shows the previous answer until the search has run.
  await page.waitForFunction((id) => {
    const rows = document.querySelectorAll('tr.group-row');
    return rows.length === 1 && rows[0]!.textContent!.includes(id);
  }, patientId);
  await page.locator('tr.group-row button.group-button').click();
  await page.locator('section.timeline').waitFor();
}

async function closeViewer(page: Page): Promise<void> {
  await page.getByRole('button', { name: '← Back' }).click();
  await page.locator('section.timeline').waitFor();
}

/** Opens a study from its timeline card; the time from the click (or kura:viewer-open) to its first pixels. */
async function openStudy(page: Page, description: string): Promise<{ ms: number; fromClick: number }> {
  const from = await eventCount(page);
  await page.getByRole('button', { name: new RegExp(`^View images: ${description}`) }).click();
  try {
    await page.waitForFunction(
      (n) => (window as unknown as { __bench: Instruments }).__bench.events.slice(n).some((e) => e.kind === 'first'),
      from,
      { timeout: 30_000 },
    );
  } catch (e) {
    const shown = await page.locator('.viewer-message').allTextContents();
    if (process.env.KURA_BENCH_SCREENSHOT) await page.screenshot({ path: process.env.KURA_BENCH_SCREENSHOT });
    throw new Error(`${description}: no first pixels (viewer says ${JSON.stringify(shown)}; events ${JSON.stringify(await eventsSince(page, from))})`, { cause: e });
  }
  const events = await eventsSince(page, from);
  const click = events.find((e) => e.kind === 'click')!.t;
  const open = events.find((e) => e.kind === 'open')?.t ?? click;
  const first = events.find((e) => e.kind === 'first')!.t;
  return { ms: first - open, fromClick: first - click };
}

interface Pass {
  /** Wall time from the first key to the last slice drawn. */
  ms: number;
  /** Images drawn in the pass (the marks or rendered events): one per slice unless the viewer draws a slice twice. */
  renders: number;
  /** Key → that slice drawn, each step. */
  steps: number[];
  /** Key → Cornerstone has the slice's image (CORNERSTONE_STACK_NEW_IMAGE: loaded, decoded, about to be drawn), each step. */
  loaded: number[];
}

/**
 * Scrolls the open stack from the top to the bottom with ArrowDown, each key
 * sent once the slice before is drawn: the fastest the viewer shows every
 * slice. The keys go to the viewport element and reach the viewer's own key
 * handler (dispatched in the page: a round trip to Playwright per key would
 * add its latency to every frame). Then Home and a second pass.
 */
async function scrollPasses(page: Page, slices: number): Promise<Pass[]> {
  return page.evaluate(async (count) => {
    const b = (window as unknown as { __bench: Instruments }).__bench;
    const element = document.querySelector<HTMLElement>('[data-viewport="viewport-1"]')!;
    element.focus();
    /** Resolves with the time slice `index` is drawn: the first render after Cornerstone set it. */
    const drawn = (index: number) => {
      let set: number | null = null;
      return Promise.race([
        new Promise<{ set: number; drawn: number }>((resolve) =>
          b.waiters.push({
            match: (e) => {
              if (e.kind === 'new') set = e.index === index ? e.t : null;
              return set !== null && (e.kind === 'render' || e.kind === 'first');
            },
            resolve: (e) => resolve({ set: set!, drawn: e.t }),
          }),
        ),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`slice ${index} not drawn within 20 s`)), 20_000)),
      ]);
    };
    const key = (k: string) => element.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
    const passes = [];
    for (let pass = 0; pass < 2; pass++) {
      if (pass > 0) {
        const top = drawn(0);
        key('Home');
        await top;
      }
      const from = b.events.length;
      const steps: number[] = [];
      const loaded: number[] = [];
      const t0 = performance.now();
      for (let i = 1; i < count; i++) {
        const next = drawn(i);
        const sent = performance.now();
        key('ArrowDown');
        const times = await next;
        steps.push(times.drawn - sent);
        loaded.push(times.set - sent);
      }
      const ms = performance.now() - t0;
      passes.push({ ms, renders: b.events.slice(from).filter((e) => e.kind === 'render').length, steps, loaded });
    }
    return passes;
  }, slices);
}

/** Milliseconds to import() the viewer chunk in a page of the app that has not loaded it (the workspace chunk, which it imports, loaded first). */
async function timeChunkImport(page: Page): Promise<{ ms: number; transferred: number }> {
  const { viewer, workspace } = viewerChunks();
  return page.evaluate(
    async ([v, w]) => {
      await import(w!);
      const t0 = performance.now();
      await import(v!);
      const ms = performance.now() - t0;
      const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith(v!)) as PerformanceResourceTiming | undefined;
      return { ms, transferred: entry?.transferSize ?? -1 };
    },
    [viewer, workspace],
  );
}

async function persistentContext(profile: string, options: { serviceWorkers?: 'allow' | 'block' } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1024, height: 768 },
    serviceWorkers: options.serviceWorkers ?? 'allow',
  });
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => sorted(xs)[Math.min(xs.length - 1, Math.floor(0.95 * xs.length))]!;

// ── the suite ───────────────────────────────────────────────────────────

export async function benchViewer(report: (f: Figure) => void): Promise<void> {
  ensureBuilt();
  const marks = builtWithMarks();
  console.error(`  first pixels and renders from ${marks ? "the viewer's performance marks" : "Cornerstone's rendered events (the build has no kura:viewer-* marks)"}`);

  const dir = mkdtempSync(join(tmpdir(), 'kura-viewer-bench-'));
  const server = await startServerProcess();
  try {
    const t0 = performance.now();
    const files: string[] = [];
    const date = (i: number) => `2024${String(1 + Math.floor(i / 28)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}`;
    const description = (i: number) => `Bench CT ${String(i).padStart(2, '0')}`;
    for (let i = 0; i <= OPENS; i++) {
      const series = syntheticCtSeries({ patientId: OPEN_PATIENT, patientName: 'Open^Bench', study: i + 1, studyDate: date(i), description: description(i), slices: STUDY_SLICES });
      mkdirSync(join(dir, `s${i}`));
      series.forEach((bytes, k) => {
        const path = join(dir, `s${i}`, `ct-${String(k + 1).padStart(3, '0')}.dcm`);
        writeFileSync(path, bytes);
        files.push(path);
      });
    }
    const stack = syntheticCtSeries({ patientId: STACK_PATIENT, patientName: 'Stack^Bench', study: 900, studyDate: '20241201', description: 'Bench stack', slices: STACK_SLICES });
    mkdirSync(join(dir, 'stack'));
    stack.forEach((bytes, k) => {
      const path = join(dir, 'stack', `ct-${String(k + 1).padStart(3, '0')}.dcm`);
      writeFileSync(path, bytes);
      files.push(path);
    });
    const megabytes = files.reduce((n, f) => n + statSync(f).size, 0) / 1e6;
    console.error(`  wrote ${files.length} synthetic CT files (${megabytes.toFixed(0)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // 3a. The chunk cold: a fresh profile, no service worker, nothing cached.
    const { viewer, css } = viewerChunks();
    const size = (p: string) => statSync(join(DIST, p)).size;
    const gz = (p: string) => gzipSync(readFileSync(join(DIST, p)), { level: 6 }).length;
    report({ name: `viewer chunk ${viewer.replace(/-[\w-]{8}\.js$/, '.js')}, raw`, value: size(viewer) / 1e6, unit: 'MB' });
    report({ name: 'viewer chunk, gzip -6', value: gz(viewer) / 1e6, unit: 'MB' });
    report({ name: `viewer CSS (${css.length} file), gzip -6`, value: css.reduce((n, p) => n + gz(p), 0) / 1000, unit: 'KB' });
    {
      const profile = mkdtempSync(join(tmpdir(), 'kura-chromium-'));
      const context = await persistentContext(profile, { serviceWorkers: 'block' });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        await page.goto(`${server.baseUrl}/`);
        await page.getByRole('button', { name: 'Register facility' }).waitFor();
        const cold = await timeChunkImport(page);
        report({ name: 'viewer chunk import(), cold (fetched from the server over loopback, compiled, run)', value: cold.ms, unit: 'ms' });
      } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      }
    }

    const profile = mkdtempSync(join(tmpdir(), 'kura-chromium-'));
    const context = await persistentContext(profile);
    // tsx compiles this file with esbuild's keepNames, which wraps the named
    // arrow functions inside instrument() and the page.evaluate callbacks in
    // __name(...): the page needs that helper too.
    await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await context.addInitScript(instrument, marks);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await register(page, server.baseUrl);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
      const importMs = await importFiles(page, files);
      console.error(`  imported them through "Import files" in ${(importMs / 1000).toFixed(1)} s (${(megabytes / (importMs / 1000)).toFixed(1)} MB/s)`);

      // 1. Click to first pixels, after one open and close (the chunk loaded, Cornerstone started).
      await openTimeline(page, OPEN_PATIENT);
      const warm = await openStudy(page, description(0));
      console.error(`  warm-up open (chunk, Cornerstone init, decode workers): ${warm.ms.toFixed(0)} ms`);
      await closeViewer(page);
      const opens: number[] = [];
      const fromClicks: number[] = [];
      for (let i = 1; i <= OPENS; i++) {
        // A breath between opens, so the last close's purge and GC do not land in the next open.
        await page.waitForTimeout(300);
        const { ms, fromClick } = await openStudy(page, description(i));
        opens.push(ms);
        fromClicks.push(fromClick);
        await closeViewer(page);
      }
      console.error(`  opens: ${opens.map((m) => m.toFixed(0)).join(', ')} ms`);
      const from = marks ? 'kura:viewer-open' : 'the click';
      report({ name: `click on a study → first pixels (${from} → first image drawn), median of ${OPENS} studies`, value: median(opens), unit: 'ms' });
      report({ name: 'click on a study → first pixels, p95', value: p95(opens), unit: 'ms' });
      report({ name: 'click on a study → first pixels, min', value: Math.min(...opens), unit: 'ms' });
      report({ name: 'click on a study → first pixels, max', value: Math.max(...opens), unit: 'ms' });
      if (marks) report({ name: 'click event → first pixels, median', value: median(fromClicks), unit: 'ms' });

      // 2. The 200-slice stack: its first image, then two passes.
      await page.getByRole('button', { name: '← Back to results' }).click();
      await openTimeline(page, STACK_PATIENT);
      const stackOpen = await openStudy(page, 'Bench stack');
      report({ name: `click → first pixels of the ${STACK_SLICES}-slice stack`, value: stackOpen.ms, unit: 'ms' });
      await page.getByTestId('overlay-image').filter({ hasText: new RegExp(`^Im 1/${STACK_SLICES}`) }).waitFor();
      const [first, second] = await scrollPasses(page, STACK_SLICES);
      await page.getByTestId('overlay-image').filter({ hasText: new RegExp(`^Im ${STACK_SLICES}/${STACK_SLICES}`) }).waitFor({ timeout: 5_000 });
      if (process.env.KURA_BENCH_SCREENSHOT) await page.screenshot({ path: process.env.KURA_BENCH_SCREENSHOT });
      for (const [name, pass] of [['first pass (read + decrypt + decode each slice)', first!], ['second pass (decoded images cached)', second!]] as const) {
        if (pass.renders !== STACK_SLICES - 1) console.error(`  ${name}: ${pass.renders} images drawn for ${STACK_SLICES - 1} slices`);
        report({ name: `scroll ${STACK_SLICES} slices, ${name}: slices drawn / wall time`, value: (STACK_SLICES - 1) / (pass.ms / 1000), unit: 'fps' });
        report({ name: `  ${name}: key → slice drawn, median`, value: median(pass.steps), unit: 'ms' });
        report({ name: `  ${name}: key → slice drawn, p95`, value: p95(pass.steps), unit: 'ms' });
        report({ name: `  ${name}: key → image in the viewport (STACK_NEW_IMAGE), median`, value: median(pass.loaded), unit: 'ms' });
      }
      await closeViewer(page);

      // 3b. The chunk from the service worker's precache, in a new document of the same profile (locked: nothing preloads it).
      await page.reload();
      await page.getByRole('button', { name: 'Unlock' }).waitFor();
      const cached = await timeChunkImport(page);
      report({ name: 'viewer chunk import(), from the service worker cache (compiled, run)', value: cached.ms, unit: 'ms' });
      if (problems.length > 0) throw new Error(`the page failed: ${problems.join('; ')}`);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }

    // Baselines: one slice without Cornerstone.
    const bin = new Uint8Array(stack.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of stack) {
      bin.set(f, at);
      at += f.length;
    }
    const figures = await runPageDirect(
      new URL('./viewer-bench.page.ts', import.meta.url).pathname,
      encodeURIComponent(JSON.stringify({ kura: server.baseUrl, patientId: STACK_PATIENT })),
      5 * 60_000,
      {
        '/stack.bin': { body: bin, type: 'application/octet-stream' },
        '/stack.json': { body: JSON.stringify(stack.map((f) => f.length)), type: 'application/json' },
      },
    );
    for (const [key, value] of Object.entries(figures)) {
      const bar = key.lastIndexOf('|');
      report({ name: `baseline: ${key.slice(0, bar)}`, value, unit: key.slice(bar + 1) });
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
