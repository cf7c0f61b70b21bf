import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openKuraDb } from './index.ts';

describe('KuraDb', () => {
  it('has the six tables, and log pages take explicit IDs after auto-numbered ones (the vault numbers its commits)', async () => {
    const db = openKuraDb(`kura-db-test-${process.pid}`);
    expect(db.tables.map((t) => t.name).sort()).toEqual(['blobParts', 'cursors', 'device', 'indexPages', 'logPages', 'stagedBlobs']);
    // A function, since Dexie writes the generated key back into the object it was given.
    const page = () => ({ state: 'pending' as const, records: [new Uint8Array([1])], seqs: [null], createdAt: 0, bytes: 1 });
    const first = await db.logPages.add(page());
    expect(first).toBe(1);
    const next = ((await db.logPages.orderBy(':id').lastKey()) as number) + 1;
    expect(await db.logPages.add({ ...page(), pageId: next })).toBe(2);
    expect(await db.logPages.add(page())).toBe(3);
    expect(await db.logPages.where('state').equals('pending').count()).toBe(3);
    await db.blobParts.bulkAdd([
      { address: 'a'.repeat(64), bytes: new Uint8Array(3), uploaded: 0 },
      { address: 'b'.repeat(64), bytes: new Uint8Array(3), uploaded: 1 },
    ]);
    expect(await db.blobParts.where('uploaded').equals(0).primaryKeys()).toEqual(['a'.repeat(64)]);
    db.close();
  });
});
