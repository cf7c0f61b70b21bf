import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import jsQR from 'jsqr';
import { CORPUS, testData } from './_app.ts';

// DESIGN.md §9: the corpus sits beside the repository and is not copied in.
const corpus = CORPUS;
// Two studies with patient IDs in their files, so the plan needs no typing.
const files = ['highdicom__dx_image.dcm', 'notzaki__MG_Explicit_Little.dcm'].map((f) => join(corpus, f));

const PASSWORD = 'harbour lantern cobalt fig';

/** Draws the kit's inline SVG onto a canvas and hands back its pixels, for an independent QR decoder. */
async function qrPixels(page: Page): Promise<{ data: number[]; width: number; height: number }> {
  return page.locator('svg.kit-qr').evaluate(async (svg) => {
    const size = 400;
    const clone = svg.cloneNode(true) as SVGSVGElement;
    clone.setAttribute('width', String(size));
    clone.setAttribute('height', String(size));
    const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0, size, size);
    URL.revokeObjectURL(url);
    return { data: Array.from(context.getImageData(0, 0, size, size).data), width: size, height: size };
  });
}

test('register, keep the kit, lock and unlock, import and find the studies', async ({ page }, testInfo) => {
  testData(...files);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  const facility = `Sakura Clinic ${testInfo.project.name}`;
  // Time runs as usual until the idle lock is checked at the end.
  await page.clock.install();

  await page.goto('/');
  await page.getByRole('button', { name: 'Register facility' }).click();
  await page.getByLabel('Facility name').fill(facility);
  await page.getByLabel('Your name').fill('Aiko Tanaka');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await expect(page.getByText('Password strength: Strong.')).toBeVisible();
  await page.getByLabel('Confirm password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Register facility' }).click();

  // The Recovery Kit: the two secrets in words and in a QR code that reads back.
  await expect(page.getByRole('heading', { name: 'Save your Recovery Kit' })).toBeVisible({ timeout: 20_000 });
  const facilityId = (await page.getByTestId('kit-facility-id').textContent())?.trim() ?? '';
  const secretKey = (await page.getByTestId('kit-secret-key').textContent())?.trim() ?? '';
  expect(facilityId).not.toBe('');
  expect(secretKey).toMatch(/^K1-/);
  await expect(page.getByRole('img', { name: 'QR code of the Recovery Kit' })).toBeVisible();
  const pixels = await qrPixels(page);
  const decoded = jsQR(Uint8ClampedArray.from(pixels.data), pixels.width, pixels.height);
  expect(decoded?.data).toContain(facilityId);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Save kit file' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`Kura Recovery Kit - ${facility}.txt`);
  const kitText = readFileSync((await download.path())!, 'utf8');
  expect(kitText).toContain(facilityId);
  expect(kitText).toContain(secretKey);

  const proceed = page.getByRole('button', { name: 'Continue' });
  await expect(proceed).toBeDisabled();
  await page.getByLabel('I have saved or printed the Recovery Kit').check();
  await proceed.click();
  const search = page.getByRole('searchbox', { name: 'Search' });
  await expect(search).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('banner')).toContainText(facility);
  await expect(page.getByRole('banner')).toContainText('Aiko Tanaka');

  // Locking drops everything; a wrong password says so and waits at the password.
  await page.getByRole('button', { name: 'Lock' }).click();
  const password = page.getByLabel('Password', { exact: true });
  await expect(page.getByLabel('Your name')).toHaveValue('Aiko Tanaka');
  await password.fill('not the password at all');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('alert')).toContainText(/password/i, { timeout: 20_000 });
  await expect(password).toBeFocused();
  await password.fill(PASSWORD);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(search).toBeVisible({ timeout: 20_000 });

  // Import through the file picker: plan, review, commit, summary.
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Import' }).click();
  await page.getByLabel('Import files').setInputFiles(files);
  await expect(page.getByRole('heading', { name: 'Check before importing' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('2 studies, 2 images')).toBeVisible();
  await page.locator('form').getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('2 imported, 0 skipped, 0 failed')).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Show studies' }).click();

  // Search as you type: one patient by number, then both by modality.
  const studyRows = page.locator('tr.study-row');
  await expect(studyRows).toHaveCount(2);
  await search.fill('62354');
  await expect(studyRows).toHaveCount(1);
  await expect(page.getByRole('row', { name: /62354PQGRRST.*2009-04-07.*MG/ })).toBeVisible();
  await search.fill('mod:DX,MG');
  await expect(studyRows).toHaveCount(2);
  await search.fill('date:2024-99');
  await expect(page.getByRole('alert')).toContainText('is not a month');
  await search.fill('');
  await page.getByRole('button', { name: 'DX', exact: true }).click();
  await expect(search).toHaveValue('mod:DX');
  await expect(studyRows).toHaveCount(1);
  await studyRows.first().press('Enter');
  const timeline = page.getByRole('region', { name: /123456/ });
  await expect(timeline.getByRole('heading', { name: /123456/ })).toBeFocused();
  await expect(timeline.getByRole('listitem')).toHaveCount(1);
  await expect(timeline.getByRole('listitem')).toContainText('2020-01-25');
  await page.keyboard.press('Escape');
  await expect(search).toBeVisible();

  // Ten idle minutes (the default) lock the app, and nothing decrypted stays on the page.
  await page.clock.fastForward('10:30');
  await expect(page.getByRole('button', { name: 'Unlock' })).toBeVisible();
  await expect(page.getByText('Locked after 10 minutes without activity.')).toBeVisible();
  await expect(page.locator('body')).not.toContainText('62354PQGRRST');
  await expect(page.locator('body')).not.toContainText('123456');

  expect(problems).toEqual([]);
});
