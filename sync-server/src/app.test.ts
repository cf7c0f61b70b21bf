import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './index.ts';
import { createTestServer, type TestServer } from './testing/test-server.ts';

const INDEX_HTML = '<!doctype html><title>Kura</title><div id="root"></div>';
const SW_JS = 'self.addEventListener("fetch", () => {});';
const WASM = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
// Larger than one stream chunk (64 KiB) many times over.
const LARGE = randomBytes(3 * 1024 * 1024 + 17);

let base: string;
let pwaDir: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'kura-app-test-'));
  pwaDir = join(base, 'pwa');
  mkdirSync(join(pwaDir, 'assets', 'nested'), { recursive: true });
  writeFileSync(join(pwaDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(pwaDir, 'sw.js'), SW_JS);
  writeFileSync(join(pwaDir, 'manifest.webmanifest'), '{"name":"Kura"}');
  writeFileSync(join(pwaDir, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(pwaDir, 'assets', 'index-Ab12Cd34.js'), 'console.log("kura");');
  writeFileSync(join(pwaDir, 'assets', 'index-Ef56Gh78.css'), 'body{margin:0}');
  writeFileSync(join(pwaDir, 'assets', 'codec-Ij90Kl12.wasm'), WASM);
  writeFileSync(join(pwaDir, 'assets', 'cornerstone-Mn34Op56.js'), LARGE);
  writeFileSync(join(pwaDir, '.env'), 'SECRET=1');

  // Files just outside the served folder, which no request may reach.
  writeFileSync(join(base, 'secret.txt'), 'outside');
  mkdirSync(join(base, 'pwa-evil'));
  writeFileSync(join(base, 'pwa-evil', 'evil.js'), 'outside');
  symlinkSync(join(base, 'secret.txt'), join(pwaDir, 'linked-secret.txt'));
  symlinkSync(join(base, 'pwa-evil'), join(pwaDir, 'assets', 'linked-dir'));
});

// The file routes need no store, but createApp takes the whole set of deps: borrow a test server's.
let server: TestServer;
beforeAll(() => {
  server = createTestServer();
});

afterAll(async () => {
  await server.close();
  rmSync(base, { recursive: true, force: true });
});

function app() {
  return createApp({ ...server.deps, pwaDir });
}

async function expectJsonNotFound(response: Response): Promise<void> {
  expect(response.status).toBe(404);
  expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
  expect(response.headers.get('Cache-Control')).toBe('no-store');
  const body = await response.text();
  expect(body.trimStart().startsWith('<')).toBe(false);
  expect(JSON.parse(body)).toEqual({ code: 'not_found', message: expect.any(String) });
}

describe('createApp: files', () => {
  it('serves index.html at / without long-term caching', async () => {
    const response = await app().request('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('Cache-Control')).toBe('no-cache');
    expect(await response.text()).toBe(INDEX_HTML);
  });

  it.each([
    ['/index.html', 'text/html; charset=utf-8'],
    ['/sw.js', 'text/javascript; charset=utf-8'],
    ['/manifest.webmanifest', 'application/manifest+json'],
    ['/icon.svg', 'image/svg+xml'],
  ])('serves %s as %s, revalidated on every use', async (path, type) => {
    const response = await app().request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe(type);
    expect(response.headers.get('Cache-Control')).toBe('no-cache');
    await response.arrayBuffer();
  });

  it.each([
    ['/assets/index-Ab12Cd34.js', 'text/javascript; charset=utf-8'],
    ['/assets/index-Ef56Gh78.css', 'text/css; charset=utf-8'],
    ['/assets/codec-Ij90Kl12.wasm', 'application/wasm'],
  ])('caches hashed asset %s for a year as %s', async (path, type) => {
    const response = await app().request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe(type);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    await response.arrayBuffer();
  });

  it('sends .wasm bytes unchanged', async () => {
    const response = await app().request('/assets/codec-Ij90Kl12.wasm');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(WASM);
  });

  it('streams a large file whole, with its length announced', async () => {
    const response = await app().request('/assets/cornerstone-Mn34Op56.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe(String(LARGE.length));
    expect(response.body).toBeInstanceOf(ReadableStream);
    const received = Buffer.from(await response.arrayBuffer());
    expect(createHash('sha256').update(received).digest('hex')).toBe(
      createHash('sha256').update(LARGE).digest('hex'),
    );
  });

  it('answers HEAD with headers and no body', async () => {
    const response = await app().request('/sw.js', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe(String(SW_JS.length));
    expect(response.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('');
  });

  it('answers a matching If-None-Match with 304 and no body', async () => {
    const first = await app().request('/sw.js');
    const etag = first.headers.get('ETag');
    await first.arrayBuffer();
    expect(etag).toMatch(/^W\/".+"$/);

    const second = await app().request('/sw.js', { headers: { 'If-None-Match': etag ?? '' } });
    expect(second.status).toBe(304);
    expect(second.headers.get('ETag')).toBe(etag);
    expect(second.headers.get('Cache-Control')).toBe('no-cache');
    expect(await second.text()).toBe('');

    const stale = await app().request('/sw.js', { headers: { 'If-None-Match': 'W/"0-0"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
  });
});

describe('createApp: app routes and missing files', () => {
  it.each(['/studies', '/studies/', '/patients/42/timeline', '/studies/1.2.840.10008.5.1.4', '/s/abcDEF'])(
    'answers the app route %s with index.html',
    async (path) => {
      const response = await app().request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('Cache-Control')).toBe('no-cache');
      expect(await response.text()).toBe(INDEX_HTML);
    },
  );

  it('gives index.html to a browser navigation but JSON to a fetch()', async () => {
    const navigation = await app().request('/studies', { headers: { 'Sec-Fetch-Mode': 'navigate' } });
    expect(await navigation.text()).toBe(INDEX_HTML);
    await expectJsonNotFound(await app().request('/studies', { headers: { 'Sec-Fetch-Mode': 'cors' } }));
  });

  it.each([
    '/assets/x.js',
    '/assets/missing-12345678.wasm',
    '/assets/missing.css',
    '/assets/no-extension',
    '/assets/nested',
    '/missing.js',
    '/favicon.ico',
    '/studies/report.pdf',
  ])('answers the missing file %s with a JSON 404, never HTML', async (path) => {
    await expectJsonNotFound(await app().request(path));
  });

  it('answers other methods with a JSON 404', async () => {
    await expectJsonNotFound(await app().request('/index.html', { method: 'POST', body: 'x' }));
  });

  it('finds files built after the app was created', async () => {
    const late = join(base, 'late');
    const lateApp = createApp({ ...server.deps, pwaDir: late });
    await expectJsonNotFound(await lateApp.request('/index.html'));
    mkdirSync(late);
    writeFileSync(join(late, 'index.html'), INDEX_HTML);
    const response = await lateApp.request('/index.html');
    expect(await response.text()).toBe(INDEX_HTML);
  });
});

describe('createApp: paths that try to leave the folder', () => {
  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/%2e%2e/secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/assets/..%2F..%2Fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets/..%5C..%5Csecret.txt',
    '/secret.txt%00.js',
    '/%252e%252e/secret.txt',
    '/linked-secret.txt',
    '/assets/linked-dir/evil.js',
    '/../pwa-evil/evil.js',
    '/.env',
    '/%2eenv',
    '/bad%escape.js',
  ])('refuses %s', async (path) => {
    const response = await app().request(path);
    const body = await response.text();
    expect(body).not.toContain('outside');
    expect(body).not.toContain('SECRET');
    // A refused path either is a JSON 404 or, having no extension after the
    // URL parser collapsed it, falls back to the app shell: never a file.
    if (response.status === 200) {
      expect(body).toBe(INDEX_HTML);
    } else {
      expect(response.status).toBe(404);
      expect(JSON.parse(body)).toMatchObject({ code: 'not_found' });
    }
  });
});

describe('createApp: security headers', () => {
  it.each(['/', '/assets/index-Ab12Cd34.js', '/assets/x.js', '/studies'])('sets them on %s', async (path) => {
    const response = await app().request(path);
    await response.arrayBuffer();
    const csp = response.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('Referrer-Policy')).toBe('no-referrer');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(response.headers.get('Permissions-Policy')).toContain('camera=()');
  });
});
