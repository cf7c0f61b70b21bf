import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.ts';

describe('readConfig', () => {
  it('defaults to loopback, port 8080 and ./data', () => {
    expect(readConfig({}, '/srv/kura')).toEqual({
      host: '127.0.0.1',
      port: 8080,
      dataDir: '/srv/kura/data',
      limits: {},
      allowedOrigins: [],
    });
  });

  it('reads PORT, HOST and KURA_DATA_DIR', () => {
    const env = { PORT: '4173', HOST: '0.0.0.0', KURA_DATA_DIR: '/var/lib/kura' };
    expect(readConfig(env, '/srv/kura')).toMatchObject({ host: '0.0.0.0', port: 4173, dataDir: '/var/lib/kura' });
  });

  it('resolves a relative data folder against the working directory', () => {
    expect(readConfig({ KURA_DATA_DIR: 'store' }, '/srv/kura').dataDir).toBe('/srv/kura/store');
  });

  it('reads quota, session timings and allowed origins', () => {
    const env = {
      KURA_QUOTA_GB: '2.5',
      KURA_SESSION_IDLE_MINUTES: '15',
      KURA_SESSION_HOURS: '8',
      KURA_ALLOWED_ORIGINS: 'https://a.example/app, https://b.example',
    };
    expect(readConfig(env, '/')).toMatchObject({
      limits: { quotaBytes: 2.5e9, sessionIdleMs: 15 * 60_000, sessionAbsoluteMs: 8 * 3600_000 },
      allowedOrigins: ['https://a.example', 'https://b.example'],
    });
    expect(() => readConfig({ KURA_QUOTA_GB: '-1' }, '/')).toThrow(/KURA_QUOTA_GB/);
    expect(() => readConfig({ KURA_ALLOWED_ORIGINS: 'nope' }, '/')).toThrow(/KURA_ALLOWED_ORIGINS/);
  });

  it.each(['http', '-1', '80.5', '65536', '1e3'])('refuses PORT=%s', (port) => {
    expect(() => readConfig({ PORT: port }, '/')).toThrow(ConfigError);
  });
});
