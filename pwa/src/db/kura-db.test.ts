import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { deleteParts, getParts, openKuraDb, PAGE_BYTES, putParts, readParts } from './index.ts';

/** Byte equality without vitest's element-by-element diffing (slow for a MiB). */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('KuraDb', () => {
  it('has its seven tables, and log pages take explicit IDs after auto-numbered ones (the vault numbers its commits)', async () => {
    const db = openKuraDb(`kura-db-test-${process.pid}`);
    expect(db.tables.map((t) => t.name).sort()).toEqual(['blobParts', 'cursors', 'device', 'indexPages', 'logPages', 'partPages', 'stagedBlobs']);
    // A function, since Dexie writes the generated key back into the object it was given.
    const page = () => ({ state: 'pending' as const, records: [new Uint8Array([1])], seqs: [null], createdAt: 0, bytes: 1 });
    const first = await db.logPages.add(page());
    expect(first).toBe(1);
    const next = ((await db.logPages.orderBy(':id').lastKey()) as number) + 1;
    expect(await db.logPages.add({ ...page(), pageId: next })).toBe(2);
    expect(await db.logPages.add(page())).toBe(3);
    expect(await db.logPages.where('state').equals('pending').count()).toBe(3);
    db.close();
  });

  it('packs blob parts into pages, reads them back, and deletes a page with its last part', async () => {
    const db = openKuraDb(`kura-db-parts-${process.pid}`);
    const part = (fill: number, size: number) => ({ address: fill.toString(16).padStart(64, '0'), bytes: new Uint8Array(size).fill(fill) });
    const small = [part(1, 300_000), part(2, 300_000), part(3, 300_000), part(4, 300_000)];
    const whole = part(5, PAGE_BYTES);
    const added = await db.transaction('rw', db.blobParts, db.partPages, () => putParts(db, [...small, whole, small[0]!]));
    expect(added).toBe(4 * 300_000 + PAGE_BYTES);
    // Three small parts fit a page, the fourth starts the next, the 1 MiB part has one alone; the repeat is not stored twice.
    expect(await db.blobParts.count()).toBe(5);
    expect(await db.partPages.count()).toBe(3);
    expect(await db.transaction('rw', db.blobParts, db.partPages, () => putParts(db, [small[1]!]))).toBe(0);
    const back = await getParts(db, [whole.address, small[2]!.address, 'f'.repeat(64)]);
    expect(same(await readParts([back[0]!]), whole.bytes)).toBe(true);
    expect(same(await readParts([back[1]!]), small[2]!.bytes)).toBe(true);
    expect(back[2]).toBeUndefined();
    // A file's parts read together, in order, from different pages.
    expect(same(await readParts([back[1]!, back[0]!]), Buffer.concat([small[2]!.bytes, whole.bytes]))).toBe(true);
    expect(await db.blobParts.where('uploaded').equals(0).count()).toBe(5);

    // A page stays while one of its parts does.
    expect(await db.transaction('rw', db.blobParts, db.partPages, () => deleteParts(db, [small[0]!.address, small[1]!.address]))).toBe(600_000);
    expect(await db.partPages.count()).toBe(3);
    expect(same(await readParts((await getParts(db, [small[2]!.address])) as Blob[]), small[2]!.bytes)).toBe(true);
    await db.transaction('rw', db.blobParts, db.partPages, () => deleteParts(db, [small[2]!.address, whole.address]));
    expect(await db.partPages.count()).toBe(1);
    expect(await db.blobParts.count()).toBe(1);
    db.close();
  });

  it('moves the parts of a version 1 store into pages', async () => {
    const name = `kura-db-v1-${process.pid}`;
    const v1 = new Dexie(name);
    v1.version(1).stores({ device: 'key', logPages: '++pageId, state', blobParts: 'address, uploaded', indexPages: '++pageId', cursors: 'name' });
    await v1.table('blobParts').bulkAdd([
      { address: 'a'.repeat(64), bytes: new Uint8Array([1, 2, 3]), uploaded: 1 },
      { address: 'b'.repeat(64), bytes: new Uint8Array([4, 5]), uploaded: 0 },
    ]);
    v1.close();
    const db = openKuraDb(name);
    const [a, b] = (await getParts(db, ['a'.repeat(64), 'b'.repeat(64)])) as Blob[];
    expect([await readParts([a!]), await readParts([b!])]).toEqual([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])]);
    expect(await db.blobParts.where('uploaded').equals(1).primaryKeys()).toEqual(['a'.repeat(64)]);
    expect((await db.blobParts.get('a'.repeat(64)))).not.toHaveProperty('bytes');
    db.close();
    db.close();
  });
});
