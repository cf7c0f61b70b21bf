import { describe, expect, it } from 'vitest';
import { decodeSegments, isAppRoute } from './pwa-files.ts';

describe('decodeSegments', () => {
  it('decodes ordinary paths', () => {
    expect(decodeSegments('/')).toEqual([]);
    expect(decodeSegments('/assets/index-Ab12.js')).toEqual(['assets', 'index-Ab12.js']);
    expect(decodeSegments('/a//b/')).toEqual(['a', 'b']);
    expect(decodeSegments('/r%C3%B6ntgen%20bild.png')).toEqual(['röntgen bild.png']);
  });

  // The WHATWG URL parser removes these before a request reaches the app,
  // but the check must not depend on which adapter built the URL.
  it.each(['/../x', '/a/../../x', '/./x', '/%2e%2e/x', '/%2E./x', '/..%2fx', '/a%2F..%2F..%2Fx', '/..%5cx', '/x%00.js', '/.env', '/%zz'])(
    'refuses %s',
    (path) => {
      expect(decodeSegments(path)).toBeNull();
    },
  );
});

describe('isAppRoute', () => {
  it.each(['/', '/studies', '/studies/', '/studies/1.2.840.10008.1.2', '/s/AbC-123'])('takes %s as a route', (path) => {
    expect(isAppRoute(path, undefined)).toBe(true);
    expect(isAppRoute(path, 'navigate')).toBe(true);
  });

  it.each(['/x.js', '/assets/chunk', '/assets/', '/codec.wasm', '/studies/report.PDF'])('takes %s as a file', (path) => {
    expect(isAppRoute(path, undefined)).toBe(false);
  });

  it('leaves non-navigation fetches alone', () => {
    expect(isAppRoute('/studies', 'cors')).toBe(false);
    expect(isAppRoute('/studies', 'no-cors')).toBe(false);
    expect(isAppRoute('/studies', 'same-origin')).toBe(false);
  });
});
