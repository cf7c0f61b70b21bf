// Runs a page in Debian's Chromium started directly, without Playwright or
// DevTools attached (which slow network-heavy pages many times over), and
// returns what the page POSTs to /result. Extra files (test data too large
// for the URL fragment) are served as given; what the page POSTs to /log is
// printed, so a long page shows its progress.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { CHROMIUM_ARGS } from './browser.ts';

export interface PageFile {
  body: Uint8Array | string;
  type: string;
}

/** One ES module with its imports bundled in, for a page or a worker the page starts. */
export async function bundleForBrowser(entry: string): Promise<string> {
  return (await build({ entryPoints: [entry], bundle: true, format: 'esm', write: false, platform: 'browser', target: 'es2022' })).outputFiles[0]!.text;
}

export async function runPageDirect(
  entry: string,
  fragment: string,
  timeoutMs = 120_000,
  files: Record<string, PageFile> = {},
): Promise<Record<string, number>> {
  const script = await bundleForBrowser(entry);
  let deliver!: (body: string) => void;
  const result = new Promise<string>((resolve) => (deliver = resolve));
  const server = createServer((req, res) => {
    if (req.url === '/page.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    if (req.url === '/result') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        res.writeHead(204).end();
        deliver(body);
      });
      return;
    }
    const file = req.url === undefined ? undefined : files[req.url];
    if (file) return void res.writeHead(200, { 'content-type': file.type }).end(file.body);
    if (req.url === '/log') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        res.writeHead(204).end();
        console.error(`  page     ${body}`);
      });
      return;
    }
    if (req.url === '/sink') {
      // The bare baseline: read the body, drop it.
      req.on('data', () => undefined);
      req.on('end', () => res.writeHead(201).end());
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script type="module" src="/page.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const profile = mkdtempSync(join(tmpdir(), 'kura-chromium-'));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/#${fragment}`;
  // --disable-web-security: the page calls the Kura server on another port
  // without CORS, which the server rightly does not offer; this browser
  // profile is thrown away after the run.
  const chromium = spawn(
    process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    ['--headless=new', ...CHROMIUM_ARGS, '--disable-web-security', `--user-data-dir=${profile}`, url],
    // Its own process group, so the renderer and zygote processes end with it.
    { stdio: 'ignore', detached: true },
  );
  try {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('browser page timed out')), timeoutMs).unref());
    const body = JSON.parse(await Promise.race([result, timeout])) as Record<string, number> & { error?: string };
    if (body.error) throw new Error(`browser page failed: ${body.error}`);
    return body;
  } finally {
    const exited = new Promise((resolve) => (chromium.exitCode !== null ? resolve(null) : chromium.once('exit', resolve)));
    try {
      process.kill(-chromium.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
    server.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}
