import type { MiddlewareHandler } from 'hono';

// No 'unsafe-inline' anywhere: the built index.html has no inline script or
// style. 'wasm-unsafe-eval' lets the DICOM codecs compile WebAssembly without
// allowing eval(); blob: workers are how comlink workers may be spawned.
// The viewer shows a decrypted PDF in a frame of a blob: URL (and photos as
// blob: images): the document exists nowhere but in the page's memory, so
// frames may load blob: too; nothing else may be framed but the app itself.
export const DEFAULT_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "frame-src 'self' blob:",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

// Every powerful feature the archive has no use for is switched off, so an
// injected script could not reach them either. Fullscreen stays on for the
// image viewer. Only features Chromium recognises are listed: an unknown name
// is logged as a console error on every page load.
export const DEFAULT_PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'camera=()',
  'display-capture=()',
  'encrypted-media=()',
  'fullscreen=(self)',
  'geolocation=()',
  'gyroscope=()',
  'hid=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'picture-in-picture=()',
  'serial=()',
  'usb=()',
  'xr-spatial-tracking=()',
].join(', ');

export interface SecurityHeadersOptions {
  contentSecurityPolicy?: string;
  permissionsPolicy?: string;
  /** The share link keeps its secret in the fragment, but path and query still must not leak. */
  referrerPolicy?: string;
  crossOriginOpenerPolicy?: string;
  crossOriginResourcePolicy?: string;
}

export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareHandler {
  const opts: Required<SecurityHeadersOptions> = {
    contentSecurityPolicy: DEFAULT_CONTENT_SECURITY_POLICY,
    permissionsPolicy: DEFAULT_PERMISSIONS_POLICY,
    referrerPolicy: 'no-referrer',
    crossOriginOpenerPolicy: 'same-origin',
    crossOriginResourcePolicy: 'same-origin',
    ...options,
  };
  const headers: ReadonlyArray<readonly [string, string]> = [
    ['Content-Security-Policy', opts.contentSecurityPolicy],
    ['Permissions-Policy', opts.permissionsPolicy],
    ['Referrer-Policy', opts.referrerPolicy],
    ['Cross-Origin-Opener-Policy', opts.crossOriginOpenerPolicy],
    ['Cross-Origin-Resource-Policy', opts.crossOriginResourcePolicy],
    ['X-Content-Type-Options', 'nosniff'],
    // frame-ancestors supersedes this; it stays for browsers without CSP 2.
    ['X-Frame-Options', 'DENY'],
  ];

  return async function securityHeaders(c, next) {
    await next();
    for (const [name, value] of headers) c.res.headers.set(name, value);
  };
}
