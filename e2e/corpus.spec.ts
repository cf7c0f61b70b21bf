import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { writeSyntheticInstance } from '../pwa/src/vault/_test-dicom.ts';
import { canaryNeedles, containsBytes } from '../pwa/src/vault/_canary-needles.ts';
import { CORPUS, forEachStudy, importFiles, registerFacility, testData, unlock, walk } from './_app.ts';

// DESIGN.md §9: the corpus sits beside the repository and is not copied in.
const corpus = CORPUS;
const PASSWORD = 'amber quarry violet nine';
const ADMIN = 'Kenji Mori';
const ME = { facility: 'Hoshi Imaging', name: ADMIN, password: PASSWORD };

interface ManifestFile {
  path: string;
  read: string;
  PatientID?: string | null;
  PatientName?: string | null;
  StudyDate?: string | null;
  Modality?: string | null;
  StudyInstanceUID?: string | null;
  SeriesInstanceUID?: string | null;
  SOPInstanceUID?: string | null;
  sop_class_uid?: string | null;
}

// Patient data planted in a generated DICOM, to be looked for in everything the browser stores.
const CANARIES = {
  name: 'Canarybrowser^Quillon',
  number: 'CNB55120',
  description: 'Canarybrowserdesc zk',
  institution: 'Canarybrowserclinic',
  pixels: 'CANARYBROWSERPIX',
};

interface Shown {
  patientId: string;
  patientName: string;
  studyDate: string;
  studyUid: string;
  modality: string;
  seriesUid: string;
  sopUid: string;
}

/** Opens every patient's timeline and every study's identifiers, and reads them back per file. */
async function readBackEveryFile(page: Page): Promise<Map<string, Shown>> {
  const shown = new Map<string, Shown>();
  await forEachStudy(page, async (details) => {
    const identifiers = details.locator('details.study-identifiers');
    const values = await identifiers.locator('.identifier-list dd').allTextContents();
    const [patientId = '', patientName = '', studyDate = '', studyUid = ''] = values;
    for (const row of await identifiers.locator('tbody tr').all()) {
      const [file = '', modality = '', seriesUid = '', sopUid = ''] = await row.locator('td').allTextContents();
      shown.set(file, { patientId, patientName, studyDate: studyDate === '—' ? '' : studyDate, studyUid, modality, seriesUid, sopUid });
    }
  });
  return shown;
}

/** Every byte IndexedDB, Cache Storage and localStorage hold for this origin, as base64 pieces. */
async function dumpBrowserStorage(page: Page): Promise<{ where: string; base64: string }[]> {
  return page.evaluate(async () => {
    const out: { where: string; base64: string }[] = [];
    const toBase64 = (bytes: Uint8Array) => {
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    };
    const utf8 = new TextEncoder();
    // Part pages are Blobs: read into bytes first, so the scan sees what they hold.
    const withBlobsRead = async (value: unknown): Promise<unknown> => {
      if (value instanceof Blob) return new Uint8Array(await value.arrayBuffer());
      if (Array.isArray(value)) return Promise.all(value.map(withBlobsRead));
      if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
        return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await withBlobsRead(v)])));
      }
      return value;
    };
    const pieces = (value: unknown, into: Uint8Array[]): void => {
      if (value instanceof Uint8Array) into.push(value);
      else if (value instanceof ArrayBuffer) into.push(new Uint8Array(value));
      else if (ArrayBuffer.isView(value)) into.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      else if (typeof value === 'string') {
        into.push(utf8.encode(value));
        const utf16 = new Uint8Array(value.length * 2);
        for (let i = 0; i < value.length; i++) {
          utf16[2 * i] = value.charCodeAt(i) & 0xff;
          utf16[2 * i + 1] = value.charCodeAt(i) >> 8;
        }
        into.push(utf16);
      } else if (typeof value === 'number' || typeof value === 'boolean') into.push(utf8.encode(String(value)));
      else if (Array.isArray(value)) for (const v of value) pieces(v, into);
      else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
        for (const [k, v] of Object.entries(value)) {
          pieces(k, into);
          pieces(v, into);
        }
      } else if (value !== null && value !== undefined) {
        // A value the scan cannot read would pass unseen.
        throw new Error(`the scan cannot read ${Object.prototype.toString.call(value)}`);
      }
    };
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const [keys, values] = await new Promise<[IDBValidKey[], unknown[]]>((resolve, reject) => {
          const tx = db.transaction(store, 'readonly');
          const os = tx.objectStore(store);
          const k = os.getAllKeys();
          const v = os.getAll();
          tx.oncomplete = () => resolve([k.result, v.result]);
          tx.onerror = () => reject(tx.error);
        });
        const into: Uint8Array[] = [];
        pieces(keys, into);
        pieces(await withBlobsRead(values), into);
        for (const p of into) out.push({ where: `IndexedDB ${name}/${store}`, base64: toBase64(p) });
      }
      db.close();
    }
    for (const cacheName of await caches.keys()) {
      const cache = await caches.open(cacheName);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        if (response) out.push({ where: `Cache ${cacheName} ${request.url}`, base64: toBase64(new Uint8Array(await response.arrayBuffer())) });
      }
    }
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      const into: Uint8Array[] = [];
      pieces([key, localStorage.getItem(key)], into);
      for (const p of into) out.push({ where: `localStorage ${key}`, base64: toBase64(p) });
    }
    return out;
  });
}

function canaryHits(dump: { where: string; base64: string }[], canaries: Record<string, string>): string[] {
  const hits: string[] = [];
  const all = Object.entries(canaries).map(([field, canary]) => ({ field, needles: canaryNeedles(canary) }));
  for (const { where, base64 } of dump) {
    const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
    for (const { field, needles } of all) if (needles.some((n) => containsBytes(bytes, n))) hits.push(`${where}: ${field}`);
  }
  return hits;
}

// The data checks do not depend on the viewport (vault.spec.ts covers the tablet): laptop only.
test('the whole corpus: imported as the manifest reads it, found in Japanese, nothing readable at rest, and offline', { tag: '@laptop' }, async ({ page, context }, testInfo) => {
  testData(join(corpus, 'manifest.json'));
  test.setTimeout(300_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));

  await registerFacility(page, ME);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  // Every file of the corpus, manifest and notes included, through the file input.
  const files = walk(corpus);
  const summary = await importFiles(page, files);
  const manifest = JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as { files: ManifestFile[] };
  const failures = page.locator('.failures li');
  const failureText = (await failures.allTextContents()).join('\n');
  // The truncated file is named with its reason; so are the files that are not DICOM.
  expect(failureText).toMatch(/pydicom__MR_truncated\.dcm\s*truncated/);
  expect(failureText).toContain('manifest.json');
  expect(failureText).toContain('SOURCES.md');
  // A DICOMDIR picked without its folder: one line, not one per file it lists.
  expect(failureText).toMatch(/DICOMDIR\s*lists \d+ files that are not among the chosen files/);
  await expect(failures).toHaveCount(4);
  await page.screenshot({ path: testInfo.outputPath('corpus-summary.png'), fullPage: true });
  await page.getByRole('button', { name: 'Show studies' }).click();

  // What the app stored equals what an independent decoder read from each file.
  const shown = await readBackEveryFile(page);
  const readable = manifest.files.filter(
    (f) => f.SOPInstanceUID && f.path !== 'pydicom__MR_truncated.dcm' && !f.path.endsWith('DICOMDIR'),
  );
  expect(readable.length).toBeGreaterThan(20);
  for (const f of readable) {
    const name = f.path.split('/').pop()!;
    const got = shown.get(name);
    expect(got, `${f.path} was imported; shown: ${[...shown.keys()].join(", ")}`).toBeDefined();
    if (f.PatientID) expect(got!.patientId, f.path).toBe(f.PatientID);
    else expect(got!.patientId, f.path).toMatch(/^NOID-\d+$/);
    expect(got!.patientName, f.path).toBe(f.PatientName ?? '');
    expect(got!.studyDate, f.path).toBe((f.StudyDate ?? '').replace(/\./g, ''));
    expect(got!.modality, f.path).toBe(f.Modality ?? '');
    expect(got!.studyUid, f.path).toBe(f.StudyInstanceUID ?? '—');
    expect(got!.seriesUid, f.path).toBe(f.SeriesInstanceUID ?? '—');
    expect(got!.sopUid, f.path).toBe(f.SOPInstanceUID);
  }
  expect(summary).toMatch(new RegExp(`^${readable.length} imported`));

  // The Japanese patient, by kanji, hiragana, katakana (full and half width) and romaji.
  const search = page.getByRole('searchbox', { name: 'Search' });
  const studyRow = (text: string) => page.locator('tr.study-row', { hasText: text });
  const yamada = studyRow('H31EXAMPLE');
  for (const text of ['山田', 'やまだ', 'ヤマダ', 'ﾔﾏﾀﾞ', 'yamada', 'Tarou']) {
    await search.fill(text);
    await expect(yamada, text).toBeVisible();
    await expect(page.locator('tr.group-row'), text).toHaveCount(1);
  }

  // At rest: canaries planted in a generated DICOM are nowhere in IndexedDB, Cache Storage or localStorage.
  const canaryStudy = {
    patientId: CANARIES.number,
    patientName: CANARIES.name,
    studyUid: '1.2.826.0.1.3680043.99.71',
    description: CANARIES.description,
    institution: CANARIES.institution,
  };
  const canaryFiles = [1, 2].map((i) => ({
    name: `CANARY${i}.dcm`,
    mimeType: 'application/dicom',
    buffer: Buffer.from(writeSyntheticInstance(canaryStudy, i, CANARIES.pixels)),
  }));
  expect(await importFiles(page, canaryFiles)).toMatch(/^2 imported/);
  await page.getByRole('button', { name: 'Show studies' }).click();
  await search.fill(CANARIES.number);
  await expect(studyRow(CANARIES.number)).toBeVisible();
  const dump = await dumpBrowserStorage(page);
  expect(dump.some((d) => d.where.startsWith('IndexedDB'))).toBe(true);
  expect(dump.some((d) => d.where.startsWith('Cache'))).toBe(true);
  expect(canaryHits(dump, CANARIES)).toEqual([]);
  // The scan finds what it looks for: the staff name is stored as typed, on purpose;
  // and a canary planted in a part page (a Blob) is found, then removed.
  expect(canaryHits(dump, { staff: ADMIN }).length).toBeGreaterThan(0);
  const plantPage = (text: string | null) =>
    page.evaluate(
      (text) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('kura');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction('partPages', 'readwrite');
            const pages = tx.objectStore('partPages');
            if (text === null) pages.delete(1e9);
            else pages.put({ pageId: 1e9, bytes: new Blob(['xx', text]) });
            tx.oncomplete = () => (db.close(), resolve());
            tx.onerror = () => reject(tx.error);
          };
        }),
      text,
    );
  await plantPage(CANARIES.description);
  expect(canaryHits(await dumpBrowserStorage(page), { description: CANARIES.description }).length).toBeGreaterThan(0);
  await plantPage(null);

  // Offline: reload, unlock, search and import all work with the network off.
  await context.setOffline(true);
  await page.reload();
  await unlock(page, PASSWORD);
  await search.fill('やまだ');
  await expect(yamada).toBeVisible();
  const visit = { patientId: 'HOMEVISIT7', patientName: 'Ono^Haru', studyUid: '1.2.826.0.1.3680043.99.72', description: 'Wound photo series' };
  const offlineFile = { name: 'VISIT1.dcm', mimeType: 'application/dicom', buffer: Buffer.from(writeSyntheticInstance(visit, 1)) };
  expect(await importFiles(page, [offlineFile])).toMatch(/^1 imported, 0 skipped, 0 failed/);
  await page.getByRole('button', { name: 'Show studies' }).click();
  await search.fill('ono haru');
  await expect(studyRow('HOMEVISIT7')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('offline-after-import.png'), fullPage: true });
  await context.setOffline(false);

  expect(problems).toEqual([]);
});
