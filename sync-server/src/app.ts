import { Hono } from 'hono';
import { respondWithError } from './errors.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { servePwaFiles } from './routes/pwa-files.ts';

export interface AppDeps {
  /** The built PWA (dist/pwa). Read per request; nothing is touched here. */
  pwaDir: string;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.use(securityHeaders());

  // HEAD is routed to GET handlers by Hono.
  app.get('*', servePwaFiles({ root: deps.pwaDir }));

  app.notFound((c) => respondWithError(c, 404, 'not_found', 'Not found'));
  app.onError((error, c) => {
    // The detail goes to the operator's log, never to the client.
    console.error(`${c.req.method} ${new URL(c.req.url).pathname} failed:`, error);
    return respondWithError(c, 500, 'internal', 'Internal server error');
  });

  return app;
}
