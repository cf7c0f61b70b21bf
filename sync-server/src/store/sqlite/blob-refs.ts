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
  // Kept by triggers on blob_refs (schema.ts, migration 2): one row, not a sum over every reference.
  const selectStored = db.prepare<[string], { bytes_stored: number }>(`
    SELECT bytes_stored FROM facility_storage WHERE facility_id = ?
  `);

  return {
    async addBlobRef(facilityId, address, size, at) {
      return insertRef.run({ facilityId, address, size, at }).changes === 1 ? 'added' : 'existing';
    },
    async hasBlobRef(facilityId, address) {
      return selectRef.get(facilityId, address) !== undefined;
    },
    async bytesStored(facilityId) {
      return selectStored.get(facilityId)?.bytes_stored ?? 0;
    },
  };
}
