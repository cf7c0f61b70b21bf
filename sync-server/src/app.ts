import { Hono } from 'hono';
import type { AppEnv, ServerDeps } from './deps.ts';
import { HttpError, respondWithError } from './errors.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { accessLogRoutes } from './routes/access-log.ts';
import { authRoutes } from './routes/auth.ts';
import { blobRoutes } from './routes/blobs.ts';
import { deviceRoutes } from './routes/devices.ts';
import { facilityRoutes } from './routes/facilities.ts';
import { logRoutes } from './routes/log.ts';
import { memberRoutes } from './routes/members.ts';
import { servePwaFiles } from './routes/pwa-files.ts';
import { publicShareRoutes, shareRoutes } from './routes/shares.ts';
import { usageRoutes } from './routes/usage.ts';

/** The whole HTTP surface; every dependency is passed in, so nothing happens at import time. */
export function createApp(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(securityHeaders());
  app.use(async (c, next) => {
    c.set('deps', deps);
    await next();
  });

  const api = new Hono<AppEnv>();
  api.use(async (c, next) => {
    await next();
    // API answers are per user and often secret-adjacent: never cached by a browser or proxy.
    // Set on the response's own headers, not with c.header(): after the
    // handler has answered, c.header() rebuilds the response around
    // `res.body`, which turns @hono/node-server's lightweight response (a
    // string or bytes written straight to the socket) into a web
    // ReadableStream that is then pumped chunk by chunk, after undici has
    // copied the bytes once more: most of a 1 MiB blob GET's server time.
    c.res.headers.set('Cache-Control', 'no-store');
  });
  api.route('/facilities', facilityRoutes());
  api.route('/auth', authRoutes());
  api.route('/members', memberRoutes());
  api.route('/devices', deviceRoutes());
  api.route('/log', logRoutes());
  api.route('/blobs', blobRoutes());
  api.route('/shares', shareRoutes());
  api.route('/s', publicShareRoutes());
  api.route('/usage', usageRoutes());
  api.route('/access-log', accessLogRoutes());
  app.route('/api/v1', api);
  app.all('/api/*', (c) => respondWithError(c, 404, 'not_found', 'No such API route'));

  // HEAD is routed to GET handlers by Hono.
  app.get('*', servePwaFiles({ root: deps.pwaDir }));

  app.notFound((c) => respondWithError(c, 404, 'not_found', 'Not found'));
  app.onError((error, c) => {
    if (error instanceof HttpError) {
      for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
      return respondWithError(c, error.status, error.code, error.message, error.issues);
    }
    // The detail goes to the operator's log, never to the client.
    console.error(`${c.req.method} ${new URL(c.req.url).pathname} failed:`, error);
    return respondWithError(c, 500, 'internal', 'Internal server error');
  });

  return app;
}
