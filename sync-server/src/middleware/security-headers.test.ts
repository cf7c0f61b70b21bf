import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTENT_SECURITY_POLICY, securityHeaders } from './security-headers.ts';

describe('securityHeaders', () => {
  it('uses the strict defaults', async () => {
    const app = new Hono().use(securityHeaders()).get('/', (c) => c.text('ok'));
    const response = await app.request('/');
    expect(response.headers.get('Content-Security-Policy')).toBe(DEFAULT_CONTENT_SECURITY_POLICY);
    expect(response.headers.get('Referrer-Policy')).toBe('no-referrer');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(response.headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin');
    expect(response.headers.get('X-Frame-Options')).toBe('DENY');
    expect(response.headers.get('Permissions-Policy')).toMatch(/(^|, )geolocation=\(\)/);
  });

  it('lets the viewer frame a decrypted PDF by its blob: URL, and nothing from elsewhere', () => {
    const directives = new Map(
      DEFAULT_CONTENT_SECURITY_POLICY.split('; ').map((d) => {
        const [name, ...sources] = d.split(' ');
        return [name, sources] as const;
      }),
    );
    expect(directives.get('frame-src')).toEqual(["'self'", 'blob:']);
    expect(directives.get('img-src')).toContain('blob:');
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('takes overrides', async () => {
    const app = new Hono()
      .use(securityHeaders({ contentSecurityPolicy: "default-src 'none'" }))
      .get('/', (c) => c.text('ok'));
    const response = await app.request('/');
    expect(response.headers.get('Content-Security-Policy')).toBe("default-src 'none'");
    expect(response.headers.get('Referrer-Policy')).toBe('no-referrer');
  });

  it('covers error and not-found responses too', async () => {
    const app = new Hono()
      .use(securityHeaders())
      .get('/boom', () => {
        throw new Error('boom');
      });
    app.onError((_, c) => c.json({ code: 'internal' }, 500));
    const failed = await app.request('/boom');
    expect(failed.status).toBe(500);
    expect(failed.headers.get('Content-Security-Policy')).toBe(DEFAULT_CONTENT_SECURITY_POLICY);
    const missing = await app.request('/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('Content-Security-Policy')).toBe(DEFAULT_CONTENT_SECURITY_POLICY);
  });
});
