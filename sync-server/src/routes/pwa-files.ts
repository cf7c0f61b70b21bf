import { open, realpath } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { Context, Handler } from 'hono';
import { respondWithError } from '../errors.ts';

// Vite puts every hashed, content-addressed file under /assets/: a changed
// file gets a new name, so these may be cached for good. Everything else
// (index.html, sw.js, the manifest, icons) keeps its name across releases and
// must be revalidated, or clients would never see an update; sw.js in
// particular decides when every other file changes.
const IMMUTABLE_PREFIX = '/assets/';
const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
const CACHE_REVALIDATE = 'no-cache';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  // WebAssembly.instantiateStreaming refuses any other type.
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface PwaFilesOptions {
  /** The folder vite builds into (dist/pwa). */
  root: string;
}

/**
 * Serves the built PWA: files as they are, the app shell for app routes, and
 * a JSON 404 for anything else. Handles GET and HEAD.
 */
export function servePwaFiles(options: PwaFilesOptions): Handler {
  const root = resolve(options.root);
  // Resolved on first use, not here, so creating the app does no I/O; kept
  // only once it succeeds, so a dist/ built after start-up is still found.
  let realRoot: string | undefined;

  async function findRealRoot(): Promise<string> {
    realRoot ??= await realpath(root);
    return realRoot;
  }

  return async function pwaFiles(c) {
    const pathname = new URL(c.req.url).pathname;
    const segments = decodeSegments(pathname);
    if (segments) {
      const file = segments.length === 0 ? ['index.html'] : segments;
      const response = await respondWithFile(c, file, pathname);
      if (response) return response;
    }
    if (segments && isAppRoute(pathname, c.req.header('Sec-Fetch-Mode'))) {
      const shell = await respondWithFile(c, ['index.html'], '/index.html');
      if (shell) return shell;
    }
    return respondWithError(c, 404, 'not_found', 'Not found');
  };

  async function respondWithFile(c: Context, segments: string[], urlPath: string): Promise<Response | undefined> {
    const filePath = join(root, ...segments);
    // decodeSegments already refuses '..'; this is the second lock.
    if (!filePath.startsWith(root + sep)) return undefined;

    let handle: FileHandle | undefined;
    try {
      // A symlink inside dist/ must not lead outside it either.
      const [realFile, base] = await Promise.all([realpath(filePath), findRealRoot()]);
      if (!realFile.startsWith(base + sep)) return undefined;
      // Open first, then stat the open file: the size and type we announce
      // are those of the bytes we send, even if dist/ is rebuilt meanwhile.
      handle = await open(realFile, 'r');
      const stats = await handle.stat();
      if (!stats.isFile()) {
        await handle.close();
        return undefined;
      }

      const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
      const headers = new Headers({
        'Content-Type': CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream',
        'Cache-Control': urlPath.startsWith(IMMUTABLE_PREFIX) ? CACHE_IMMUTABLE : CACHE_REVALIDATE,
        ETag: etag,
        'Last-Modified': stats.mtime.toUTCString(),
      });

      if (matchesEtag(c.req.header('If-None-Match'), etag)) {
        await handle.close();
        headers.delete('Content-Type');
        return new Response(null, { status: 304, headers });
      }
      headers.set('Content-Length', String(stats.size));
      if (c.req.method === 'HEAD') {
        await handle.close();
        return new Response(null, { status: 200, headers });
      }
      // Streamed, so a large chunk or .wasm file never sits whole in memory;
      // the stream closes the file when it ends or the client goes away.
      const body = Readable.toWeb(handle.createReadStream()) as unknown as ReadableStream<Uint8Array>;
      handle = undefined;
      return new Response(body, { status: 200, headers });
    } catch (error) {
      await handle?.close();
      if (isMissingFileError(error)) return undefined;
      throw error;
    }
  }
}

/**
 * Splits a URL path into decoded segments, or returns null when a segment
 * could step outside the served folder or name a hidden file. The URL parser
 * has already collapsed literal and %2e-encoded dot segments; what is left to
 * catch are encoded separators (%2f, %5c), NUL, and malformed escapes.
 */
export function decodeSegments(pathname: string): string[] | null {
  const segments: string[] = [];
  for (const raw of pathname.split('/').slice(1)) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment.startsWith('.') || /[/\\\0]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

/**
 * A path the React app routes itself, so it gets index.html. It must not name
 * a file: an extension starts with a letter, so DICOM UIDs such as
 * /studies/1.2.840.10008.1 still count as routes. A browser states what it is
 * fetching in Sec-Fetch-Mode; only a navigation gets the page, so a fetch()
 * of a mistyped API path from the app sees a JSON 404, not HTML.
 */
export function isAppRoute(pathname: string, secFetchMode: string | undefined): boolean {
  if (pathname.startsWith(IMMUTABLE_PREFIX)) return false;
  if (/\.[a-z][a-z0-9]*$/i.test(pathname.slice(pathname.lastIndexOf('/') + 1))) return false;
  return secFetchMode === undefined || secFetchMode === 'navigate';
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  // RFC 9110 §13.1.2: If-None-Match uses the weak comparison.
  const opaque = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}

function isMissingFileError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG';
}
