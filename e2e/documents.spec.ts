import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { CORPUS, registerFacility, studyHolding, testData } from './_app.ts';

// Documents in the viewer: an encapsulated PDF and a structured report from
// the DICOM corpus, and a PDF, a photo and a chart note added with the
// document form, each shown in place of the image viewport.
const corpus = CORPUS;
const PASSWORD = 'copper meadow lantern six';


/** A one-page PDF with one line of text, its cross-reference table at the right offsets. */
function onePagePdf(text: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 24 Tf 72 760 Td (${text}) Tj ET`;
  objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** A small JPEG, drawn and encoded by the browser itself. */
async function smallJpeg(page: Page): Promise<Buffer> {
  const bytes = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 200;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#c0504d';
    g.fillRect(0, 0, 320, 200);
    g.fillStyle = '#fff';
    g.font = '32px sans-serif';
    g.fillText('wound, day 3', 40, 110);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.9));
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  return Buffer.from(bytes);
}

/** The patient's timeline, found by number. */
async function openPatient(page: Page, patientNumber: string): Promise<Locator> {
  await page.getByRole('searchbox', { name: 'Search' }).fill(patientNumber);
  await page.locator('tr.group-row button.group-button').first().click();
  const timeline = page.locator('section.timeline');
  await expect(timeline).toBeVisible();
  return timeline;
}


async function closeViewer(page: Page): Promise<void> {
  await page.getByRole('button', { name: '← Back' }).click();
  await expect(page.locator('section.timeline')).toBeVisible();
  await page.getByRole('button', { name: '← Back to results' }).click();
}

test('documents in the viewer: an encapsulated PDF, a structured report, an attached PDF and photo, a chart note', { tag: '@tablet' }, async ({ page }, testInfo) => {
  testData(join(corpus, 'orthanc__sample-pdf.dcm'));
  test.setTimeout(120_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A CSP refusal is only ever reported on the console.
    if (/Content Security Policy/i.test(message.text())) problems.push(`csp: ${message.text()}`);
  });

  // The CSP allows no fetch of a blob: URL, so revocations are watched where they happen.
  await page.addInitScript(() => {
    const revoked: string[] = [];
    (window as unknown as { revokedUrls: string[] }).revokedUrls = revoked;
    const revoke = URL.revokeObjectURL.bind(URL);
    URL.revokeObjectURL = (url: string) => {
      revoked.push(url);
      revoke(url);
    };
  });
  const revoked = () => page.evaluate(() => (window as unknown as { revokedUrls: string[] }).revokedUrls);
  await registerFacility(page, { facility: 'Tsubaki Imaging', name: 'Ren Hayashi', password: PASSWORD });

  // The two DICOM documents, through Import files.
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Import' }).click();
  await page.getByLabel('Import files').setInputFiles([join(corpus, 'orthanc__sample-pdf.dcm'), join(corpus, 'pydicom__test-SR.dcm')]);
  await expect(page.getByRole('heading', { name: 'Check before importing' })).toBeVisible({ timeout: 60_000 });
  const numbers = page.getByLabel(/^Patient number for /);
  for (let i = 0, n = await numbers.count(); i < n; i++) await numbers.nth(i).fill(`NOID-${i + 1}`);
  await page.locator('form').getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText(/2 imported, 0 skipped, 0 failed/)).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Show studies' }).click();

  // A PDF, a photo and a chart note, through Add photo or document.
  const jpeg = await smallJpeg(page);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Import' }).click();
  await page.getByRole('button', { name: 'Add photo or document' }).click();
  await page.getByText('Attach files').locator('input[type=file]').setInputFiles([
    { name: 'referral.pdf', mimeType: 'application/pdf', buffer: onePagePdf('Referral: Kura documents test') },
    { name: 'wound.jpg', mimeType: 'image/jpeg', buffer: jpeg },
  ]);
  await page.getByLabel('Patient number').fill('DOC-77');
  await page.getByLabel('Patient name').fill('Mori^Aoi');
  await page.getByLabel('Modality or document type').fill('chart');
  await page.getByLabel('Report or chart note').fill('Wound healing well.\nDressing changed.');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText(/2 imported, 0 skipped, 0 failed/)).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Show studies' }).click();

  const viewer = page.getByRole('region', { name: 'Image viewer' });
  const documentsStrip = viewer.getByRole('navigation', { name: 'Documents' });

  // The encapsulated PDF: a study of documents alone opens on it. Its
  // modality is OT, which images use too, so the timeline (which lists no
  // SOP classes) cannot promise documents: either label opens it.
  const pdfCard = (await studyHolding(page, 'orthanc__sample-pdf.dcm')).locator('xpath=..');
  await pdfCard.getByRole('button', { name: /^View (images|documents)/ }).click();
  await expect(viewer).toBeVisible({ timeout: 20_000 });
  await expect(documentsStrip.getByRole('button', { name: /^PDF/ })).toHaveAttribute('aria-pressed', 'true');
  const frame = viewer.locator('iframe.viewer-document-frame');
  await expect(frame).toHaveAttribute('src', /^blob:/, { timeout: 20_000 });
  const box = await frame.boundingBox();
  expect(box!.width).toBeGreaterThan(300);
  expect(box!.height).toBeGreaterThan(300);
  const pdfUrl = (await frame.getAttribute('src'))!;
  // The download is the PDF itself, from the same blob: URL.
  const download = viewer.getByRole('link', { name: 'Download PDF' });
  await expect(download).toHaveAttribute('href', pdfUrl);
  const [saved] = await Promise.all([page.waitForEvent('download'), download.click()]);
  expect(saved.suggestedFilename()).toBe('orthanc__sample-pdf.pdf');
  const pdf = readFileSync((await saved.path())!);
  expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
  expect(pdf.subarray(-6).toString('latin1')).toBe('%%EOF\n');
  await page.waitForTimeout(1_000);
  await page.screenshot({ path: testInfo.outputPath('encapsulated-pdf.png') });
  await closeViewer(page);
  // Closing revoked the URL: the decrypted PDF is gone from the page.
  expect(await revoked()).toContain(pdfUrl);

  // The structured report as an outline.
  const srCard = (await studyHolding(page, 'pydicom__test-SR.dcm')).locator('xpath=..');
  await srCard.getByRole('button', { name: /^View documents/ }).click();
  const report = viewer.getByRole('article', { name: /^Structured report: Diagnosis/ });
  await expect(report).toBeVisible({ timeout: 20_000 });
  await expect(report.getByRole('heading', { name: 'Diagnosis', level: 2 })).toBeVisible();
  await expect(report).toContainText('Verified by Jörg Riesmeier');
  await expect(report).toContainText('Diameter: 3 Length Unit');
  await expect(report).toContainText('Inferred Sample Text');
  await page.screenshot({ path: testInfo.outputPath('structured-report.png') });
  await closeViewer(page);

  // The document form's files and note.
  const timeline = await openPatient(page, 'DOC-77');
  await timeline.getByRole('button', { name: /^View documents/ }).click();
  await expect(viewer).toBeVisible({ timeout: 20_000 });
  await expect(documentsStrip.getByRole('button')).toHaveCount(3);
  await expect(viewer.locator('iframe.viewer-document-frame')).toHaveAttribute('src', /^blob:/, { timeout: 20_000 });
  await page.waitForTimeout(1_000);
  await page.screenshot({ path: testInfo.outputPath('attached-pdf.png') });

  await documentsStrip.getByRole('button', { name: /^Photo/ }).click();
  const photo = viewer.locator('img.viewer-document-image');
  await expect(photo).toHaveAttribute('src', /^blob:/, { timeout: 20_000 });
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
  await page.screenshot({ path: testInfo.outputPath('attached-photo.png') });
  const photoUrl = (await photo.getAttribute('src'))!;

  await documentsStrip.getByRole('button', { name: /^Chart/ }).click();
  await expect(viewer.getByRole('article', { name: 'Chart' })).toContainText('Dressing changed.');
  // Choosing another item revoked the photo's URL.
  expect(await revoked()).toContain(photoUrl);
  await page.screenshot({ path: testInfo.outputPath('chart-note.png') });

  // The lock drops the documents with the rest of the viewer.
  await documentsStrip.getByRole('button', { name: /^Photo/ }).click();
  await expect(photo).toHaveAttribute('src', /^blob:/, { timeout: 20_000 });
  const lockedUrl = (await photo.getAttribute('src'))!;
  await viewer.getByRole('button', { name: 'Lock', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock' })).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('img.viewer-document-image, iframe.viewer-document-frame')).toHaveCount(0);
  expect(await revoked()).toContain(lockedUrl);
  await expect(page.locator('body')).not.toContainText('Dressing changed');

  expect(problems).toEqual([]);
});
