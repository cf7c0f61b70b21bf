import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { writeTestZip } from '../pwa/src/import/_write-test-zip.ts';
import { writeTestDicom } from '../pwa/src/dicom/_write-test-dicom.ts';
import { writeSyntheticInstance } from '../pwa/src/vault/_test-dicom.ts';
import { commitPlan, CORPUS, CORPUS_CD, importFiles, registerFacility, testData, walk } from './_app.ts';

// A patient-CD-style folder with a DICOMDIR (DESIGN.md §9), beside the repository.
const cd = CORPUS_CD;
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

test('a patient CD by folder, then the same CD as a ZIP archive', { tag: '@laptop' }, async ({ page }, testInfo) => {
  testData(join(cd, 'DICOMDIR'));
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

test('files dropped on the import area are read and imported', { tag: '@laptop' }, async ({ page }) => {
  const picked = testData(...['pydicom__CT_small.dcm', 'pydicom__chrH31.dcm'].map((f) => join(CORPUS, f)));
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

test('a multi-frame file too large to read with others is read, encrypted and stored on its own, beside small ones', { tag: '@laptop' }, async ({ page }) => {
  await registerFacility(page, { facility: 'Tsubaki Clinic', name: 'Ren Abe', password: PASSWORD });
  const study = { patientId: 'CINE-77', patientName: 'Abe^Mio', studyUid: '1.2.826.0.1.3680043.99.81', description: 'Echo cine' };
  // 24 frames of 512 × 512 × 16 bits: 12.6 MB, above the 4 MiB a file may have to be read with others.
  const frames = new Uint8Array(24 * 512 * 512 * 2);
  for (let i = 0; i < frames.length; i++) frames[i] = (i * 31) & 0xff;
  const cine = writeTestDicom(
    [
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.3.1' },
      { tag: 0x00080018, vr: 'UI', value: `${study.studyUid}.1.99` },
      { tag: 0x00080020, vr: 'DA', value: '20240315' },
      { tag: 0x00080060, vr: 'CS', value: 'US' },
      { tag: 0x00081030, vr: 'LO', value: study.description },
      { tag: 0x00100010, vr: 'PN', value: study.patientName },
      { tag: 0x00100020, vr: 'LO', value: study.patientId },
      { tag: 0x0020000d, vr: 'UI', value: study.studyUid },
      { tag: 0x0020000e, vr: 'UI', value: `${study.studyUid}.1` },
      { tag: 0x00280002, vr: 'US', value: 1 },
      { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
      { tag: 0x00280008, vr: 'IS', value: '24' },
      { tag: 0x00280010, vr: 'US', value: 512 },
      { tag: 0x00280011, vr: 'US', value: 512 },
      { tag: 0x00280100, vr: 'US', value: 16 },
      { tag: 0x00280101, vr: 'US', value: 16 },
      { tag: 0x00280102, vr: 'US', value: 15 },
      { tag: 0x00280103, vr: 'US', value: 0 },
      { tag: 0x7fe00010, vr: 'OW', value: frames },
    ],
    { meta: { transferSyntaxUid: '1.2.840.10008.1.2.1' } },
  );
  expect(cine.length).toBeGreaterThan(12_000_000);
  const files = [
    { name: 'IM1.dcm', mimeType: 'application/dicom', buffer: Buffer.from(writeSyntheticInstance(study, 1)) },
    { name: 'CINE.dcm', mimeType: 'application/dicom', buffer: Buffer.from(cine) },
    { name: 'IM2.dcm', mimeType: 'application/dicom', buffer: Buffer.from(writeSyntheticInstance(study, 2)) },
  ];
  expect(await importFiles(page, files)).toMatch(/^3 imported, 0 skipped, 0 failed/);
  // The cine's ciphertext in 13 parts of up to 1 MiB, one part for each small file.
  expect(await storedRows(page)).toEqual({ stagedBlobs: 0, blobParts: 15 });
  await page.getByRole('button', { name: 'Show studies' }).click();
  await expect(page.locator('tr.study-row', { hasText: 'CINE-77' })).toBeVisible();
});
