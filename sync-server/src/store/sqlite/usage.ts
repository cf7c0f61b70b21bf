import type Database from 'better-sqlite3';
import type { UsageStore } from '../contract.ts';

const MONTH = /^\d{4}-\d{2}$/;

function checkDelta(value: number | undefined, what: string): number {
  if (value === undefined) return 0;
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
  return value;
}

/** Per-facility monthly counters: the bill. */
export function createUsageStore(db: Database.Database): UsageStore {
  // An upsert, so concurrent requests add to one row instead of racing to
  // create it; the addition happens inside SQLite, never read-modify-write.
  const upsertUsage = db.prepare<[{ facilityId: string; month: string; bytesServed: number; recordsPushed: number; requests: number }]>(`
    INSERT INTO usage (facility_id, month, bytes_served, records_pushed, requests)
    VALUES (@facilityId, @month, @bytesServed, @recordsPushed, @requests)
    ON CONFLICT (facility_id, month) DO UPDATE SET
      bytes_served   = bytes_served   + excluded.bytes_served,
      records_pushed = records_pushed + excluded.records_pushed,
      requests       = requests       + excluded.requests
  `);
  const selectUsage = db.prepare<[string], { month: string; bytes_served: number; records_pushed: number; requests: number }>(`
    SELECT month, bytes_served, records_pushed, requests FROM usage WHERE facility_id = ? ORDER BY month
  `);

  return {
    async addUsage(facilityId, month, delta) {
      // The protocol's month format (protocol/usage.ts): a malformed key would
      // start a counter no bill ever reads.
      if (!MONTH.test(month)) throw new RangeError(`month must be YYYY-MM, got ${JSON.stringify(month)}`);
      upsertUsage.run({
        facilityId,
        month,
        bytesServed: checkDelta(delta.bytesServed, 'bytesServed'),
        recordsPushed: checkDelta(delta.recordsPushed, 'recordsPushed'),
        requests: checkDelta(delta.requests, 'requests'),
      });
    },
    async listUsage(facilityId) {
      return selectUsage.all(facilityId).map((row) => ({
        month: row.month,
        bytesServed: row.bytes_served,
        recordsPushed: row.records_pushed,
        requests: row.requests,
      }));
    },
  };
}
