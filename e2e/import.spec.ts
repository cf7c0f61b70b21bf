import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { writeTestZip } from '../pwa/src/import/_write-test-zip.ts';
import { commitPlan, registerFacility, walk } from './_app.ts';

// A patient-CD-style folder with a DICOMDIR (DESIGN.md §9), beside the repository.
const cd = fileURLToPath(new URL('../../shared/dicom-corpus-cd', import.meta.url));
const PASSWORD = 'lichen orbit marble two';

/** Rows of the device store's staged-file list and encrypted parts, read from the page beside the vault worker. */
function storedRows(page: Page): Promise<{ stagedBlobs: number; blobParts: number }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('kura');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['stagedBlobs', 'blobParts']);
          const staged = tx.objectStore('stagedBlobs').count();
          const parts = tx.objectStore('blobParts').count();
          tx.oncomplete = () => {
            db.close();
            resolve({ stagedBlobs: staged.result, blobParts: parts.result });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

test('a patient CD by folder, then the same CD as a ZIP archive', async ({ page }, testInfo) => {
  test.skip(!existsSync(join(cd, 'DICOMDIR')), `the CD folder is not at ${cd}`);
  test.skip(testInfo.project.name !== 'laptop', 'runs once, on the laptop viewport');
  await registerFacility(page, { facility: 'Minato Clinic', name: 'Rin Aoki', password: PASSWORD });
  const sections = page.getByRole('navigation', { name: 'Sections' });

  // The folder picker: every file of the CD, the DICOMDIR's five and the one it leaves out.
  // Read (encrypted and staged), then cancelled: nothing of it stays on the device.
  await sections.getByRole('button', { name: 'Import' }).click();
  await page.getByLabel('Import folder').setInputFiles(cd);
  await expect(page.getByText(/6 images/)).toBeVisible({ timeout: 30_000 });
  expect(await storedRows(page)).toEqual({ stagedBlobs: 6, blobParts: 6 });
  await page.getByRole('button', { name: 'Cancel' }).last().click();
  await expect.poll(() => storedRows(page)).toEqual({ stagedBlobs: 0, blobParts: 0 });
  await page.getByLabel('Import folder').setInputFiles(cd);
  await expect(page.getByText(/6 images/)).toBeVisible({ timeout: 30_000 });
  expect(await commitPlan(page)).toMatch(/^6 imported, 0 skipped, 1 failed/);
  expect(await storedRows(page)).toEqual({ stagedBlobs: 0, blobParts: 6 });
  // The CD's README is not an image, and says so.
  await expect(page.locator('.failures li')).toContainText(['README.md']);
  await page.screenshot({ path: testInfo.outputPath('cd-folder.png'), fullPage: true });
  await page.getByRole('button', { name: 'Show studies' }).click();
  await expect(page.locator('tr.study-row', { hasText: 'H31EXAMPLE' })).toBeVisible();

  // The same CD zipped, as a clinic receives it by mail: read inside the archive, all duplicates.
  const entries = await Promise.all(
    walk(cd).map(async (path) => ({ name: `PATIENTCD/${relative(cd, path)}`, data: new Uint8Array(readFileSync(path)), method: 'deflate' as const })),
  );
  const zip = Buffer.from(await writeTestZip(entries));
  await sections.getByRole('button', { name: 'Import' }).click();
  await page.getByLabel('Import files').setInputFiles({ name: 'patient-cd.zip', mimeType: 'application/zip', buffer: zip });
  await expect(page.getByRole('heading', { name: 'Nothing new to import' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('All 6 images found are already in the archive.')).toBeVisible();
  await expect(page.locator('.failures li')).toContainText(['patient-cd.zip/PATIENTCD/README.md']);
});

test('files dropped on the import area are read and imported', async ({ page }, testInfo) => {
  const corpus = fileURLToPath(new URL('../../shared/dicom-corpus', import.meta.url));
  const picked = ['pydicom__CT_small.dcm', 'pydicom__chrH31.dcm'].map((f) => join(corpus, f));
  test.skip(!picked.every((f) => existsSync(f)), `the DICOM corpus is not at ${corpus}`);
  test.skip(testInfo.project.name !== 'laptop', 'runs once, on the laptop viewport');
  await registerFacility(page, { facility: 'Kaede Clinic', name: 'Sora Ito', password: PASSWORD });
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Import' }).click();
  const files = picked.map((path) => ({ name: path.split('/').pop()!, bytes: [...readFileSync(path)] }));
  // What a drag from the desktop delivers: a DataTransfer with the files, dropped on the area.
  const dropZone = page.locator('section.drop-zone');
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: 'application/dicom' }));
    return dt;
  }, files);
  await dropZone.dispatchEvent('dragenter', { dataTransfer });
  await dropZone.dispatchEvent('dragover', { dataTransfer });
  await dropZone.dispatchEvent('drop', { dataTransfer });
  expect(await commitPlan(page)).toMatch(/^2 imported, 0 skipped, 0 failed/);
  await page.getByRole('button', { name: 'Show studies' }).click();
  await expect(page.locator('tr.study-row', { hasText: '1CT1' })).toBeVisible();
  await expect(page.locator('tr.study-row', { hasText: 'H31EXAMPLE' })).toBeVisible();
});
