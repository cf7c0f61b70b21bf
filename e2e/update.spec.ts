import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';

const builtWorker = fileURLToPath(new URL('../dist/pwa/sw.js', import.meta.url));

// Publishes a "new version" by changing the built sw.js in place, as a
// deployment would, and restores it afterwards. Safe because the suite runs
// one worker at a time.
test('a new version waits for the user, then takes over on Reload', async ({ page }, testInfo) => {
  await page.goto('/');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const prompt = page.getByRole('alert');
  await expect(prompt).toHaveCount(0);

  const original = readFileSync(builtWorker);
  try {
    writeFileSync(builtWorker, Buffer.concat([original, Buffer.from(`\n// e2e update ${Date.now()}\n`)]));
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update();
    });

    await expect(prompt).toContainText('A new version is ready');
    await page.screenshot({ path: testInfo.outputPath('update-prompt.png') });
    // Still the old version: nothing changed under the open page.
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.waiting !== null))).toBe(
      true,
    );

    await page.evaluate(() => Object.assign(window, { kuraE2eMarker: true }));
    await Promise.all([page.waitForEvent('load'), prompt.getByRole('button', { name: 'Reload' }).click()]);

    // A fresh page, controlled by the new worker, with nothing left waiting.
    expect(await page.evaluate(() => 'kuraE2eMarker' in window)).toBe(false);
    await expect(page.getByRole('heading', { level: 1, name: 'Kura' })).toBeVisible();
    await expect(prompt).toHaveCount(0);
    const state = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return {
        waiting: registration?.waiting ?? null,
        controlled: navigator.serviceWorker.controller !== null,
        activeIsController: registration?.active?.scriptURL === navigator.serviceWorker.controller?.scriptURL,
      };
    });
    expect(state).toEqual({ waiting: null, controlled: true, activeIsController: true });
  } finally {
    writeFileSync(builtWorker, original);
  }
});
