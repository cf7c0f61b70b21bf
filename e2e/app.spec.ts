import { expect, test } from '@playwright/test';

test('the app loads, works offline after the first visit, and never answers a script with HTML', async ({
  page,
  context,
}, testInfo) => {
  // A CSP violation, a failed script or a bad Permissions-Policy entry all
  // show up here first.
  const consoleProblems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      consoleProblems.push(`${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => consoleProblems.push(`pageerror: ${error.message}`));

  await page.goto('/');
  await expect(page).toHaveTitle('Kura');
  const heading = page.getByRole('heading', { level: 1, name: 'Kura' });
  await expect(heading).toBeVisible();
  await expect(page.getByText('End-to-end encrypted archive for medical images')).toBeVisible();

  const status = page.getByRole('status');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await expect(status).toContainText('Online');
  await expect(status).toContainText('Ready to work offline');

  // Chromium's own install criteria (manifest, icons, worker). Playwright's
  // contexts are incognito, where nothing installs, so that one is expected.
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors.filter((error) => error.errorId !== 'in-incognito')).toEqual([]);
  // While a second CDP client stays attached, Chromium reports
  // navigator.onLine as true after an offline reload.
  await cdp.detach();

  // Straight to the server, and through the service worker, which must not
  // turn a missing script into the app shell either.
  const direct = await page.request.get('/assets/x.js');
  expect(direct.status()).toBe(404);
  expect(direct.headers()['content-type']).toMatch(/^application\/json/);
  expect((await direct.text()).trimStart()).not.toMatch(/^</);
  const viaWorker = await page.evaluate(async () => {
    const response = await fetch('/assets/x.js');
    return { status: response.status, type: response.headers.get('Content-Type'), body: await response.text() };
  });
  expect(viaWorker.status).toBe(404);
  expect(viaWorker.type).toMatch(/^application\/json/);
  expect(viaWorker.body.trimStart()).not.toMatch(/^</);

  await page.screenshot({ path: testInfo.outputPath('online.png') });

  await context.setOffline(true);
  await page.reload();
  await expect(heading).toBeVisible();
  await expect(status).toContainText('Offline');
  await expect(status).toContainText('Ready to work offline');
  await page.screenshot({ path: testInfo.outputPath('offline.png') });

  // A deep link the server has never been asked for still opens offline.
  await page.goto('/studies/1.2.840.10008.5.1.4');
  await expect(heading).toBeVisible();

  // The one 404 is the missing script requested on purpose above.
  const deliberate404 = 'error: Failed to load resource: the server responded with a status of 404 (Not Found)';
  expect(consoleProblems.filter((problem) => problem === deliberate404).length).toBeLessThanOrEqual(1);
  expect(consoleProblems.filter((problem) => problem !== deliberate404)).toEqual([]);
});
