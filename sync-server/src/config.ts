import { resolve } from 'node:path';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
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
  return {
    port: parsePort(env.PORT),
    host: env.HOST?.trim() || DEFAULT_HOST,
    dataDir: resolve(cwd, env.KURA_DATA_DIR?.trim() || DEFAULT_DATA_DIR),
  };
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  if (!/^\d+$/.test(value.trim())) throw new ConfigError(`PORT must be a number from 0 to 65535, not "${value}"`);
  const port = Number(value);
  if (port > 65535) throw new ConfigError(`PORT must be a number from 0 to 65535, not "${value}"`);
  return port;
}
