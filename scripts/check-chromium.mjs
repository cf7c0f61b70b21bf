// The end-to-end tests drive Debian's Chromium and never download a browser,
// so say how to get it before Playwright fails with a long stack trace.
import { accessSync, constants } from 'node:fs';

const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
try {
  accessSync(path, constants.X_OK);
} catch {
  console.error("Chromium is missing: install it with 'sudo apt-get install -y chromium' (Debian), or set CHROMIUM_PATH.");
  process.exit(1);
}
