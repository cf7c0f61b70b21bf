import type Database from 'better-sqlite3';
import type { BlobRefStore } from '../contract.ts';

/** Which facility holds which blob, and how big it is: the basis of bytes stored and of quotas. */
export function createBlobRefStore(db: Database.Database): BlobRefStore {
  // One row per (facility, address): a blob uploaded twice, or by two
  // devices, is held and billed once.
  const insertRef = db.prepare<[{ facilityId: string; address: string; size: number; at: number }]>(`
    INSERT INTO blob_refs (facility_id, address, size, created_at)
    VALUES (@facilityId, @address, @size, @at)
    ON CONFLICT (facility_id, address) DO NOTHING
  `);
  const selectRef = db.prepare<[string, string], { found: 1 }>(`
    SELECT 1 AS found FROM blob_refs WHERE facility_id = ? AND address = ?
  `);
  const sumSizes = db.prepare<[string], { total: number }>(`
    SELECT COALESCE(SUM(size), 0) AS total FROM blob_refs WHERE facility_id = ?
  `);

  return {
    async addBlobRef(facilityId, address, size, at) {
      return insertRef.run({ facilityId, address, size, at }).changes === 1 ? 'added' : 'existing';
    },
    async hasBlobRef(facilityId, address) {
      return selectRef.get(facilityId, address) !== undefined;
    },
    async bytesStored(facilityId) {
      return sumSizes.get(facilityId)?.total ?? 0;
    },
  };
}
