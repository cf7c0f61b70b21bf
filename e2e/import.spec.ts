import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { writeTestZip } from '../pwa/src/import/_write-test-zip.ts';

// A patient-CD-style folder with a DICOMDIR (DESIGN.md §9), beside the repository.
const cd = fileURLToPath(new URL('../../shared/dicom-corpus-cd', import.meta.url));
const PASSWORD = 'lichen orbit marble two';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

async function register(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Register facility' }).click();
  await page.getByLabel('Facility name').fill('Minato Clinic');
  await page.getByLabel('Your name').fill('Rin Aoki');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirm password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Register facility' }).click();
  await page.getByLabel('I have saved or printed the Recovery Kit').check({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeVisible({ timeout: 20_000 });
}

async function commit(page: Page): Promise<string> {
  await expect(page.getByRole('heading', { name: 'Check before importing' })).toBeVisible({ timeout: 30_000 });
  const numbers = page.getByLabel(/^Patient number for /);
  for (let i = 0, n = await numbers.count(); i < n; i++) await numbers.nth(i).fill(`CD-${i + 1}`);
  await page.locator('form').getByRole('button', { name: 'Import', exact: true }).click();
  const summary = page.getByText(/\d+ imported, \d+ skipped, \d+ failed/);
  await expect(summary).toBeVisible({ timeout: 60_000 });
  return (await summary.textContent()) ?? '';
}

test('a patient CD by folder, then the same CD as a ZIP archive', async ({ page }, testInfo) => {
  test.skip(!existsSync(join(cd, 'DICOMDIR')), `the CD folder is not at ${cd}`);
  test.skip(testInfo.project.name !== 'laptop', 'runs once, on the laptop viewport');
  await register(page);
  const sections = page.getByRole('navigation', { name: 'Sections' });

  // The folder picker: every file of the CD, the DICOMDIR's five and the one it leaves out.
  await sections.getByRole('button', { name: 'Import' }).click();
  await page.getByLabel('Import folder').setInputFiles(cd);
  await expect(page.getByText(/6 images/)).toBeVisible({ timeout: 30_000 });
  expect(await commit(page)).toMatch(/^6 imported, 0 skipped, 1 failed/);
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
