import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { createApp } from './app.ts';
import { DEFAULT_LIMITS, type AppEnv, type ServerDeps, type ServerLimits } from './deps.ts';
import { createLiveServer, type LiveServer } from './live/index.ts';
import { authenticate } from './middleware/session.ts';
import { FailureThrottle, RateCounter } from './middleware/throttle.ts';
import { openDefaultStores } from './store/index.ts';
import { createUsageMeter } from './usage-meter.ts';

export interface RuntimeOptions {
  dataDir: string;
  pwaDir: string;
  limits?: Partial<ServerLimits>;
  allowedOrigins?: readonly string[];
  now?: () => number;
  random?: (length: number) => Uint8Array;
  /** Housekeeping period (usage flush, expired sessions, orphaned uploads); 0 turns it off (tests). */
  maintenanceMs?: number;
}

export interface Runtime {
  deps: ServerDeps;
  app: Hono<AppEnv>;
  live: LiveServer;
  /** Usage flush, expired sessions and challenges, interrupted uploads. */
  maintain(): Promise<void>;
  close(): Promise<void>;
}

/** An interrupted upload's temp file is collected after this long. */
const ORPHAN_AGE_MS = 3600_000;

/**
 * The server-side secret that keys the fake answers for unknown facilities:
 * it must survive restarts, or the fakes would change and give them away.
 */
function loadServerSecret(dataDir: string): Uint8Array {
  const path = join(dataDir, 'server-secret');
  try {
    const secret = readFileSync(path);
    if (secret.length === 32) return new Uint8Array(secret);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const secret = randomBytes(32);
  writeFileSync(path, secret, { mode: 0o600, flag: 'wx' });
  return new Uint8Array(secret);
}

/** Opens the stores in dataDir and wires everything the server needs. */
export function openRuntime(options: RuntimeOptions): Runtime {
  mkdirSync(options.dataDir, { recursive: true });
  const now = options.now ?? Date.now;
  const { meta, blobs } = openDefaultStores(options.dataDir);
  const meter = createUsageMeter(meta, now);
  const throttle = new FailureThrottle(now);
  // The live server needs deps to authenticate, and deps need the live hub: tie the knot lazily.
  let deps!: ServerDeps;
  const live = createLiveServer({
    authenticate: (authorization) => authenticate(authorization, deps),
    head: (facilityId) => meta.head(facilityId),
    allowedOrigins: options.allowedOrigins ?? [],
  });
  deps = {
    pwaDir: options.pwaDir,
    meta,
    blobs,
    live,
    meter,
    throttle,
    rates: new RateCounter(now),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    serverSecret: loadServerSecret(options.dataDir),
    allowedOrigins: options.allowedOrigins ?? [],
    now,
    random: options.random ?? ((n) => new Uint8Array(randomBytes(n))),
  };
  const app = createApp(deps);

  const maintain = async () => {
    const t = now();
    await meter.flush();
    await meta.flushAccess();
    await meta.deleteExpired(t, deps.limits.sessionIdleMs);
    throttle.sweep(24 * 3600_000);
    await blobs.collectOrphans(t - ORPHAN_AGE_MS);
  };
  const period = options.maintenanceMs ?? 60_000;
  const timer = period > 0 ? setInterval(() => void maintain().catch((e) => console.error('Kura: maintenance failed:', e)), period) : null;
  timer?.unref();

  return {
    deps,
    app,
    live,
    maintain,
    async close() {
      if (timer) clearInterval(timer);
      live.close();
      await meter.flush();
      await meta.close();
    },
  };
}
