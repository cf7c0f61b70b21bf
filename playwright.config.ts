import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

const PORT = 4173;
const baseURL = `http://127.0.0.1:${PORT}`;

// Playwright loads this file again in every worker process; workers inherit
// the environment, so the folder is made once, by the runner.
process.env.KURA_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'kura-e2e-'));

export default defineConfig({
  testDir: 'e2e',
  reporter: 'list',
  retries: 0,
  // The machines have two cores: one browser at a time plus the server.
  workers: 1,
  use: {
    baseURL,
    headless: true,
    launchOptions: {
      // Debian's Chromium, never a downloaded browser build.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  // A test runs on both screens unless tagged for one: @laptop (checks of
  // data that do not depend on the screen) or @tablet (touch, the viewer).
  projects: [
    { name: 'laptop', grepInvert: /@tablet/, use: { viewport: { width: 1366, height: 800 } } },
    { name: 'tablet', grepInvert: /@laptop/, use: { viewport: { width: 1024, height: 768 }, hasTouch: true, isMobile: false } },
  ],
  webServer: {
    // The same path as `npm start`; it rebuilds only when dist/ is stale.
    command: 'node scripts/start.mjs',
    url: baseURL,
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      KURA_DATA_DIR: process.env.KURA_E2E_DATA_DIR,
    },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
  },
});
