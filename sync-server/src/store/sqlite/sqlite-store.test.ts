import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { describeMetaStoreContract } from '../contract.test-suite.ts';
import { openDatabase } from './open-database.ts';
import { openSqliteStore } from './open-sqlite-store.ts';
import { SCHEMA_VERSION } from './schema.ts';

const folders: string[] = [];
function makeFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kura-sqlite-'));
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

// A file per store, not ':memory:': WAL and fsync only apply to files.
describeMetaStoreContract('SQLite', () => openSqliteStore({ path: join(makeFolder(), 'kura.sqlite') }));

describe('SQLite store', () => {
  it('opens with WAL, synchronous=FULL, foreign keys and a busy timeout', () => {
    const db = openDatabase(join(makeFolder(), 'kura.sqlite'));
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('keeps appended records across close and reopen', async () => {
    const path = join(makeFolder(), 'kura.sqlite');
    const first = openSqliteStore({ path });
    await first.createFacility({ facilityId: 'fac', memberId: 'mem', createdAt: 1, quotaBytes: 100 });
    const admin = {
      memberId: 'mem',
      memberHandle: 'h',
      kdfParams: new Uint8Array([1]),
      loginPublicKey: new Uint8Array([2]),
      wrappedFacilityKey: new Uint8Array([3]),
    };
    const device = { deviceId: 'dev', memberId: 'mem', label: 'PC', publicKey: new Uint8Array([4]), createdAt: 1 };
    expect(await first.activateFacility({ facilityId: 'fac', transferPublicKey: new Uint8Array([5]), admin, device, at: 1 })).toBe(true);
    const bytes = new Uint8Array([9, 8, 7]);
    const hash = new Uint8Array(32).fill(7);
    const record = { recordId: 'rec', deviceId: 'dev', deviceSeq: 1, prevHash: new Uint8Array(32), docId: 'd', patientKey: 'p', kind: 'k', bytes, hash };
    expect(await first.append('fac', [record], 2)).toEqual({ ok: true, results: [{ status: 'stored', seq: 1 }] });
    await first.close();
    await first.close(); // closing twice is harmless

    const second = openSqliteStore({ path });
    try {
      expect(await second.head('fac')).toBe(1);
      expect(await second.read('fac', 0, 10)).toEqual([{ seq: 1, recordId: 'rec', bytes }]);
      expect(await second.getDevice('fac', 'dev')).toMatchObject({ lastDeviceSeq: 1, lastRecordHash: hash });
      // The chain head survived too: a replay of the first record's position is refused.
      const replay = { ...record, recordId: 'rec-2' };
      expect(await second.append('fac', [replay], 3)).toEqual({ ok: false, index: 0, reason: 'chain_broken', expectedSeq: 2 });
    } finally {
      await second.close();
    }
  });

  describe('queued access-log entries', () => {
    const entry = (i: number) => ({
      facilityId: 'fac',
      at: i,
      action: 'blob.download',
      memberId: 'mem',
      deviceId: 'dev',
      subject: `part-${i}`,
      address: '192.0.2.1',
    });
    // What is on disk, through a connection of its own: listAccess would write the queue first.
    const countOnDisk = (path: string): number => {
      const raw = new Database(path, { readonly: true });
      try {
        return raw.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM access_log').get()!.n;
      } finally {
        raw.close();
      }
    };
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    it('are written by a timer, within flushMs, with no other call', async () => {
      const path = join(makeFolder(), 'kura.sqlite');
      const store = openSqliteStore({ path, accessQueue: { flushMs: 30 } });
      try {
        store.queueAccess(entry(1));
        store.queueAccess(entry(2));
        expect(countOnDisk(path)).toBe(0);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(countOnDisk(path)).toBe(2);
        // The timer is armed again by the next entry.
        store.queueAccess(entry(3));
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(countOnDisk(path)).toBe(3);
      } finally {
        await store.close();
      }
    });

    it('are written at once when a batch fills', async () => {
      const path = join(makeFolder(), 'kura.sqlite');
      const store = openSqliteStore({ path, accessQueue: { flushMs: 60_000, maxBatch: 3 } });
      try {
        store.queueAccess(entry(1));
        store.queueAccess(entry(2));
        await tick();
        expect(countOnDisk(path)).toBe(0);
        store.queueAccess(entry(3));
        await tick();
        expect(countOnDisk(path)).toBe(3);
      } finally {
        await store.close();
      }
    });

    it('are written on close, and survive a reopen', async () => {
      const path = join(makeFolder(), 'kura.sqlite');
      const first = openSqliteStore({ path, accessQueue: { flushMs: 60_000 } });
      first.queueAccess(entry(1));
      first.queueAccess(entry(2));
      await first.close();
      expect(() => first.queueAccess(entry(3))).toThrow(/closed/);
      expect(countOnDisk(path)).toBe(2);
      const second = openSqliteStore({ path });
      try {
        expect((await second.listAccess('fac', { limit: 10 })).entries.map((e) => e.subject)).toEqual(['part-2', 'part-1']);
      } finally {
        await second.close();
      }
    });
  });

  it('totals the bytes stored of a database written before migration 2', async () => {
    const path = join(makeFolder(), 'kura.sqlite');
    const store = openSqliteStore({ path });
    await store.createFacility({ facilityId: 'fac', memberId: 'mem', createdAt: 1, quotaBytes: 100 });
    await store.createFacility({ facilityId: 'other', memberId: 'mem', createdAt: 1, quotaBytes: 100 });
    await store.addBlobRef('fac', 'a'.repeat(64), 1000, 1);
    await store.addBlobRef('fac', 'b'.repeat(64), 24, 1);
    await store.addBlobRef('other', 'a'.repeat(64), 1000, 1);
    await store.close();
    // Back to version 1: the references without their totals.
    const raw = new Database(path);
    raw.exec('DROP TRIGGER blob_refs_add_storage; DROP TRIGGER blob_refs_remove_storage; DROP TABLE facility_storage');
    raw.pragma('user_version = 1');
    raw.close();

    const reopened = openSqliteStore({ path });
    try {
      expect(await reopened.bytesStored('fac')).toBe(1024);
      expect(await reopened.bytesStored('other')).toBe(1000);
      expect(await reopened.bytesStored('none')).toBe(0);
      await reopened.addBlobRef('fac', 'c'.repeat(64), 1, 2);
      expect(await reopened.bytesStored('fac')).toBe(1025);
    } finally {
      await reopened.close();
    }
  });

  it('refuses a database written by a newer schema', () => {
    const path = join(makeFolder(), 'kura.sqlite');
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openSqliteStore({ path })).toThrow(/newer than this server/);
  });

  it('migrates a database once: reopening leaves the schema as it is', () => {
    const path = join(makeFolder(), 'kura.sqlite');
    openDatabase(path).close();
    const db = openDatabase(path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all();
      expect(tables.map((t) => t.name)).toEqual([
        'access_log',
        'blob_refs',
        'challenges',
        'devices',
        'facilities',
        'facility_heads',
        'facility_storage',
        'members',
        'records',
        'sessions',
        'share_tokens',
        'shares',
        'sqlite_sequence',
        'usage',
      ]);
    } finally {
      db.close();
    }
  });
});
