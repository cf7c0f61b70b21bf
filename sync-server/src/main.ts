import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { ConfigError, readConfig } from './config.ts';
import { openRuntime } from './runtime.ts';

// Finishing in-flight requests should take well under this; past it the
// process exits anyway, so a stuck client cannot block a restart.
const SHUTDOWN_GRACE_MS = 10_000;

const pwaDir = fileURLToPath(new URL('../../dist/pwa/', import.meta.url));

function main(): void {
  let config;
  try {
    config = readConfig(process.env, process.cwd());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Kura: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  if (!existsSync(join(pwaDir, 'index.html'))) {
    console.warn(`Kura: the web app is not built (${pwaDir} has no index.html); run \`npm run build\`.`);
  }

  const runtime = openRuntime({
    dataDir: config.dataDir,
    pwaDir,
    limits: config.limits,
    allowedOrigins: config.allowedOrigins,
  });
  const server = serve({ fetch: runtime.app.fetch, port: config.port, hostname: config.host }, (info) => {
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    console.log(`Kura listening on http://${host}:${info.port} (data in ${config.dataDir})`);
  });
  server.on('upgrade', (request, socket, head) => runtime.live.handleUpgrade(request, socket, head));
  // Node closes idle keep-alive connections after 5 s; a client (or a load
  // balancer, typically 60 s) that reuses one just as it closes gets a reset.
  // Outlast them; headersTimeout must exceed keepAliveTimeout.
  if ('keepAliveTimeout' in server) {
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
  }

  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') {
      console.error(`Kura: port ${config.port} on ${config.host} is already in use; set PORT to another port.`);
    } else {
      console.error('Kura: the server failed:', error);
    }
    process.exit(1);
  });

  let stopping = false;
  const stop = (): void => {
    // npm and tsx relay Ctrl-C, so the same signal may arrive more than once.
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    runtime.live.close();
    server.close(() => {
      runtime.close().then(
        () => process.exit(0),
        (e) => {
          console.error('Kura: closing the store failed:', e);
          process.exit(1);
        },
      );
    });
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
