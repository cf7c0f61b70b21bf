// Test-only: a vault on fake-indexeddb talking to a real in-process server.
import 'fake-indexeddb/auto';
import { createTestServer, type TestServer } from '../../../sync-server/src/testing/test-server.ts';
import { KuraDb } from '../db/index.ts';
import { createVault, type Vault, type VaultDeps } from './create-vault.ts';
import { vaultErrorCode } from './vault-error.ts';

export const SERVER_URL = 'http://kura.test';
let dbCount = 0;

export interface Harness {
  server: TestServer;
  fetch: VaultDeps['fetch'];
  /** Fails every request, as when the device is offline. */
  offline: boolean;
  openVault(options?: Partial<VaultDeps> & { dbName?: string }): { vault: Vault; db: KuraDb };
  close(): Promise<void>;
}

export function createHarness(): Harness {
  const server = createTestServer();
  const dbs: KuraDb[] = [];
  const harness: Harness = {
    server,
    offline: false,
    fetch: async (input, init) => {
      if (harness.offline) throw new TypeError('Failed to fetch');
      return server.app.request(input, init, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
    },
    openVault(options = {}) {
      const db = new KuraDb(options.dbName ?? `kura-test-${process.pid}-${++dbCount}`);
      dbs.push(db);
      const vault = createVault({ db, fetch: harness.fetch, kdfLogN: 14, storage: null, ...options });
      return { vault, db };
    },
    async close() {
      for (const db of dbs) db.close();
      await server.close();
    },
  };
  return harness;
}

export const ADMIN = { name: 'Admin Ada', password: 'correct horse battery staple' };

export async function registerVault(h: Harness, options: Partial<VaultDeps> = {}) {
  const opened = h.openVault(options);
  const kit = await opened.vault.register({
    serverUrl: SERVER_URL,
    facilityName: 'Sakura Clinic',
    adminName: ADMIN.name,
    password: ADMIN.password,
  });
  return { ...opened, kit };
}

/** A File as a browser's file picker gives it. */
export function fileOf(bytes: Uint8Array, name: string): File {
  return new File([bytes as Uint8Array<ArrayBuffer>], name);
}

/** The VaultError code a call fails with, 'no error', or what else it threw. */
export async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
  } catch (e) {
    return vaultErrorCode(e) ?? `not a VaultError: ${String(e)}`;
  }
  return 'no error';
}
