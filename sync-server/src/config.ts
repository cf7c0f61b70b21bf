import { resolve } from 'node:path';
import type { ServerLimits } from './deps.ts';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Only the limits set in the environment; the rest keep their defaults. */
  limits: Partial<ServerLimits>;
  /** Other origins whose pages may open the live WebSocket (KURA_ALLOWED_ORIGINS, comma-separated). */
  allowedOrigins: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

// 127.0.0.1 by default: a first run should not expose an empty server to the
// clinic's network. A server that devices on the LAN reach sets HOST=0.0.0.0
// and sits behind HTTPS, which service workers and WebCrypto require.
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 8080;
const DEFAULT_DATA_DIR = 'data';

export function readConfig(env: Readonly<Record<string, string | undefined>>, cwd: string): ServerConfig {
  const limits: Partial<ServerLimits> = {};
  const quotaGb = parsePositive(env, 'KURA_QUOTA_GB');
  if (quotaGb !== undefined) limits.quotaBytes = Math.round(quotaGb * 1e9);
  const idle = parsePositive(env, 'KURA_SESSION_IDLE_MINUTES');
  if (idle !== undefined) limits.sessionIdleMs = idle * 60_000;
  const absolute = parsePositive(env, 'KURA_SESSION_HOURS');
  if (absolute !== undefined) limits.sessionAbsoluteMs = absolute * 3600_000;
  const rate = parsePositive(env, 'KURA_REQUESTS_PER_MINUTE');
  if (rate !== undefined) limits.requestsPerMinute = Math.round(rate);
  const allowedOrigins = (env.KURA_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => {
      try {
        return new URL(o).origin;
      } catch {
        throw new ConfigError(`KURA_ALLOWED_ORIGINS must list origins like https://kura.example, not "${o}"`);
      }
    });
  return {
    port: parsePort(env.PORT),
    host: env.HOST?.trim() || DEFAULT_HOST,
    dataDir: resolve(cwd, env.KURA_DATA_DIR?.trim() || DEFAULT_DATA_DIR),
    limits,
    allowedOrigins,
  };
}

function parsePositive(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number, not "${value}"`);
  return n;
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  if (!/^\d+$/.test(value.trim())) throw new ConfigError(`PORT must be a number from 0 to 65535, not "${value}"`);
  const port = Number(value);
  if (port > 65535) throw new ConfigError(`PORT must be a number from 0 to 65535, not "${value}"`);
  return port;
}
