import type Database from 'better-sqlite3';
import type { AccessEntryRow, AccessLogWriter } from '../contract.ts';

interface AccessColumns {
  id: number;
  facility_id: string;
  at: number;
  action: string;
  member_id: string | null;
  device_id: string | null;
  subject: string | null;
  address: string | null;
}

/** The facility's own record of who did what, newest first; access-queue.ts adds the queue of read entries. */
export function createAccessLogStore(db: Database.Database): AccessLogWriter {
  const insertEntry = db.prepare<[AccessEntryRow]>(`
    INSERT INTO access_log (facility_id, at, action, member_id, device_id, subject, address)
    VALUES (@facilityId, @at, @action, @memberId, @deviceId, @subject, @address)
  `);
  // Paged by id, not by time: ids are unique and increasing, so a page
  // boundary never splits or repeats entries logged in the same millisecond.
  // Two statements rather than "@before IS NULL OR id < @before", which
  // would keep SQLite from seeking the index to the cursor.
  const selectNewest = db.prepare<[{ facilityId: string; limit: number }], AccessColumns>(`
    SELECT id, facility_id, at, action, member_id, device_id, subject, address
    FROM access_log
    WHERE facility_id = @facilityId
    ORDER BY id DESC
    LIMIT @limit
  `);
  const selectOlder = db.prepare<[{ facilityId: string; before: number; limit: number }], AccessColumns>(`
    SELECT id, facility_id, at, action, member_id, device_id, subject, address
    FROM access_log
    WHERE facility_id = @facilityId AND id < @before
    ORDER BY id DESC
    LIMIT @limit
  `);

  // IMMEDIATE, like every write here: one transaction, so one WAL fsync, for the whole batch.
  const appendEntries = db.transaction((entries: readonly AccessEntryRow[]) => {
    for (const entry of entries) insertEntry.run(entry);
  });

  return {
    async appendAccessEntries(entries) {
      appendEntries.immediate(entries);
    },
    async listAccess(facilityId, options) {
      const { before, limit } = options;
      if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
      const rows = before === undefined ? selectNewest.all({ facilityId, limit }) : selectOlder.all({ facilityId, before, limit });
      return {
        entries: rows.map((row) => ({
          id: row.id,
          facilityId: row.facility_id,
          at: row.at,
          action: row.action,
          memberId: row.member_id,
          deviceId: row.device_id,
          subject: row.subject,
          address: row.address,
        })),
      };
    },
  };
}
