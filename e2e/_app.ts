// Steps the end-to-end specs share: registering a facility, unlocking, and
// importing files through the app's own controls, as a person would.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Locator, type Page } from '@playwright/test';

/** The shared test data beside the repository: the DICOM corpus (with its manifest) and a patient CD. */
export const CORPUS = fileURLToPath(new URL('../../shared/dicom-corpus', import.meta.url));
export const CORPUS_CD = fileURLToPath(new URL('../../shared/dicom-corpus-cd', import.meta.url));

/**
 * The paths, once each is known to exist: a missing one fails the test,
 * saying where it was looked for; the tests that read real files never pass
 * by being skipped.
 */
export function testData(...paths: string[]): string[] {
  for (const path of paths) {
    if (!existsSync(path)) throw new Error(`${path} is missing: the end-to-end tests read ../shared (dicom-corpus, dicom-corpus-cd) beside the repository`);
  }
  return paths;
}

/** Every file below a folder. */
export function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export interface Member {
  facility: string;
  name: string;
  password: string;
}

/** Registers a facility, keeps the Recovery Kit, and waits for the study list. */
export async function registerFacility(page: Page, who: Member): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Register facility' }).click();
  await page.getByLabel('Facility name').fill(who.facility);
  await page.getByLabel('Your name').fill(who.name);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByLabel('Confirm password').fill(who.password);
  await page.getByRole('button', { name: 'Register facility' }).click();
  await page.getByLabel('I have saved or printed the Recovery Kit').check({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeVisible({ timeout: 20_000 });
}

/** Unlocks from the locked screen (as `name`, or whoever the screen remembers). */
export async function unlock(page: Page, password: string, name?: string): Promise<void> {
  if (name !== undefined) await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeVisible({ timeout: 20_000 });
}

type PickedFiles = string[] | { name: string; mimeType: string; buffer: Buffer }[];

/**
 * Imports through "Import files": plans, types `NOID-1`, `NOID-2`… wherever
 * the files carry no patient number, commits, and returns the summary line.
 */
export async function importFiles(page: Page, files: PickedFiles): Promise<string> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Import' }).click();
  await page.getByLabel('Import files').setInputFiles(files as never);
  return commitPlan(page);
}

/** From the plan review on: patient numbers where missing, Import, the summary line. */
export async function commitPlan(page: Page): Promise<string> {
  await expect(page.getByRole('heading', { name: 'Check before importing' })).toBeVisible({ timeout: 60_000 });
  const numbers = page.getByLabel(/^Patient number for /);
  for (let i = 0, n = await numbers.count(); i < n; i++) await numbers.nth(i).fill(`NOID-${i + 1}`);
  await page.locator('form').getByRole('button', { name: 'Import', exact: true }).click();
  const summary = page.getByText(/\d+ imported, \d+ skipped, \d+ failed/);
  await expect(summary).toBeVisible({ timeout: 120_000 });
  return (await summary.textContent()) ?? '';
}

/**
 * Opens every patient's timeline and every study's details in turn, handing
 * `visit` the study's details element and the DICOM files it lists (none for
 * a study of form documents alone). Stops, leaving that timeline open, when
 * `visit` returns true; answers whether it did.
 */
export async function forEachStudy(page: Page, visit: (details: Locator, files: string[]) => Promise<boolean | void>): Promise<boolean> {
  await page.getByRole('searchbox', { name: 'Search' }).fill('');
  const groups = page.locator('tr.group-row button.group-button');
  await expect(groups.first()).toBeVisible();
  for (let g = 0, count = await groups.count(); g < count; g++) {
    await groups.nth(g).click();
    const studies = page.locator('section.timeline details.study-details');
    await expect(studies.first()).toBeVisible();
    for (let s = 0, n = await studies.count(); s < n; s++) {
      const details = studies.nth(s);
      await details.locator('summary').first().click();
      await expect(details.locator('.study-details-body')).toBeVisible();
      const identifiers = details.locator('details.study-identifiers');
      let files: string[] = [];
      if ((await identifiers.count()) > 0) {
        await identifiers.locator('summary').click();
        files = await identifiers.locator('tbody tr td:first-child').allTextContents();
      }
      if (await visit(details, files)) return true;
    }
    await page.getByRole('button', { name: '← Back to results' }).click();
    await expect(groups.first()).toBeVisible();
  }
  return false;
}

/** The details element of the study holding `fileName`, its patient's timeline left open. */
export async function studyHolding(page: Page, fileName: string): Promise<Locator> {
  let found: Locator | null = null;
  await forEachStudy(page, async (details, files) => {
    if (files.includes(fileName)) found = details;
    return found !== null;
  });
  if (!found) throw new Error(`no study holds ${fileName}`);
  return found;
}
