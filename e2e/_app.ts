// Steps the end-to-end specs share: registering a facility, unlocking, and
// importing files through the app's own controls, as a person would.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';

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
