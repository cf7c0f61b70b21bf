import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.ts';

describe('readConfig', () => {
  it('defaults to loopback, port 8080 and ./data', () => {
    expect(readConfig({}, '/srv/kura')).toEqual({ host: '127.0.0.1', port: 8080, dataDir: '/srv/kura/data' });
  });

  it('reads PORT, HOST and KURA_DATA_DIR', () => {
    const env = { PORT: '4173', HOST: '0.0.0.0', KURA_DATA_DIR: '/var/lib/kura' };
    expect(readConfig(env, '/srv/kura')).toEqual({ host: '0.0.0.0', port: 4173, dataDir: '/var/lib/kura' });
  });

  it('resolves a relative data folder against the working directory', () => {
    expect(readConfig({ KURA_DATA_DIR: 'store' }, '/srv/kura').dataDir).toBe('/srv/kura/store');
  });

  it.each(['http', '-1', '80.5', '65536', '1e3'])('refuses PORT=%s', (port) => {
    expect(() => readConfig({ PORT: port }, '/')).toThrow(ConfigError);
  });
});
