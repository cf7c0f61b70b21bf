// Runs a bench module inside headless Debian Chromium: bundles it with
// esbuild, serves it from 127.0.0.1 (a secure context, so WebCrypto is
// there) and relays the figures the page reports.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium } from '@playwright/test';
import type { Figure } from './crypto-bench.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function runInChromium(entry: string, report: (f: Figure) => void): Promise<void> {
  const bundle = await build({ entryPoints: [entry], bundle: true, format: 'esm', write: false, platform: 'browser', target: 'es2022' });
  const script = bundle.outputFiles[0]!.text;
  const server = createServer((req, res) => {
    if (req.url === '/bench.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script type="module" src="/bench.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    let done!: () => void;
    let fail!: (e: Error) => void;
    const finished = new Promise<void>((resolve, reject) => ((done = resolve), (fail = reject)));
    await page.exposeFunction('benchReport', (f: Figure) => report(f));
    await page.exposeFunction('benchDone', (error?: string) => (error ? fail(new Error(error)) : done()));
    page.on('pageerror', (e) => fail(e));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await finished;
  } finally {
    await browser.close();
    server.close();
  }
}
