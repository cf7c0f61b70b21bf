import type Database from 'better-sqlite3';
import type { AppendResult, LogStore, RecordToAppend, StoredRecord } from '../contract.ts';
import { equalBytes, toBytes } from './bytes.ts';

// What the first record of a device links to (crypto's record envelope).
const NO_PREVIOUS_HASH = new Uint8Array(32);

type AppendFailure = Extract<AppendResult, { ok: false }>;

/** Thrown inside the append transaction to roll the whole batch back. */
class RefusedBatchError extends Error {
  override name = 'RefusedBatchError';
  constructor(readonly failure: AppendFailure) {
    super(failure.reason);
  }
}

function assertCount(value: number, what: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${what} must be an integer >= ${min}, got ${value}`);
}

/** The per-facility append-only log of sealed records. */
export function createLogStore(db: Database.Database): LogStore {
  const selectHead = db.prepare<[string], { head: number }>(`
    SELECT head FROM facility_heads WHERE facility_id = ?
  `);
  const upsertHead = db.prepare<[string, number]>(`
    INSERT INTO facility_heads (facility_id, head) VALUES (?, ?)
    ON CONFLICT (facility_id) DO UPDATE SET head = excluded.head
  `);
  const selectByRecordId = db.prepare<[string, string], { seq: number; bytes: Buffer }>(`
    SELECT seq, bytes FROM records WHERE facility_id = ? AND record_id = ?
  `);
  const selectChainHead = db.prepare<[string, string], { last_device_seq: number; last_record_hash: Buffer | null }>(`
    SELECT last_device_seq, last_record_hash FROM devices WHERE facility_id = ? AND device_id = ?
  `);
  const updateChainHead = db.prepare<[{ facilityId: string; deviceId: string; deviceSeq: number; hash: Uint8Array }]>(`
    UPDATE devices SET last_device_seq = @deviceSeq, last_record_hash = @hash
    WHERE facility_id = @facilityId AND device_id = @deviceId
  `);
  const insertRecord = db.prepare<[{
    facilityId: string;
    seq: number;
    recordId: string;
    deviceId: string;
    deviceSeq: number;
    docId: string;
    patientKey: string;
    kind: string;
    bytes: Uint8Array;
    hash: Uint8Array;
    at: number;
  }]>(`
    INSERT INTO records (
      facility_id, seq, record_id, device_id, device_seq,
      doc_id, patient_key, kind, bytes, record_hash, created_at
    ) VALUES (
      @facilityId, @seq, @recordId, @deviceId, @deviceSeq,
      @docId, @patientKey, @kind, @bytes, @hash, @at
    )
  `);
  const selectAfter = db.prepare<[string, number, number], { seq: number; record_id: string; bytes: Buffer }>(`
    SELECT seq, record_id, bytes FROM records
    WHERE facility_id = ? AND seq > ?
    ORDER BY seq
    LIMIT ?
  `);

  // One transaction for the whole batch: one WAL fsync however many records
  // (group commit), and a refused record rolls back the records before it.
  // Reads inside see the batch's own writes, so a record repeated within the
  // batch is a duplicate. Each device's chain head is read once and written
  // back once per batch, advancing record by record in between.
  const appendBatch = db.transaction((facilityId: string, records: RecordToAppend[], at: number) => {
    const results: { status: 'stored' | 'duplicate'; seq: number }[] = [];
    const head = selectHead.get(facilityId)?.head ?? 0;
    let seq = head;
    const chains = new Map<string, { deviceSeq: number; hash: Uint8Array | null; advanced: boolean }>();
    records.forEach((record, index) => {
      const existing = selectByRecordId.get(facilityId, record.recordId);
      if (existing !== undefined) {
        if (!equalBytes(toBytes(existing.bytes), record.bytes)) throw new RefusedBatchError({ ok: false, index, reason: 'conflict' });
        results.push({ status: 'duplicate', seq: existing.seq });
        return;
      }

      let chain = chains.get(record.deviceId);
      if (chain === undefined) {
        const row = selectChainHead.get(facilityId, record.deviceId);
        // An unknown device has no chain to continue, hence no expected seq.
        if (row === undefined) throw new RefusedBatchError({ ok: false, index, reason: 'chain_broken' });
        chain = { deviceSeq: row.last_device_seq, hash: row.last_record_hash, advanced: false };
        chains.set(record.deviceId, chain);
      }
      const expectedSeq = chain.deviceSeq + 1;
      const expectedPrevHash = chain.deviceSeq === 0 ? NO_PREVIOUS_HASH : chain.hash;
      // A gap (deviceSeq too high), a replay (too low) or a fork (right seq,
      // other predecessor) all mean records were withheld or rewritten.
      if (
        record.deviceSeq !== expectedSeq ||
        expectedPrevHash === null ||
        !equalBytes(record.prevHash, expectedPrevHash)
      ) {
        throw new RefusedBatchError({ ok: false, index, reason: 'chain_broken', expectedSeq });
      }

      seq += 1;
      insertRecord.run({
        facilityId,
        seq,
        recordId: record.recordId,
        deviceId: record.deviceId,
        deviceSeq: record.deviceSeq,
        docId: record.docId,
        patientKey: record.patientKey,
        kind: record.kind,
        bytes: record.bytes,
        hash: record.hash,
        at,
      });
      chain.deviceSeq = record.deviceSeq;
      chain.hash = record.hash;
      chain.advanced = true;
      results.push({ status: 'stored', seq });
    });
    for (const [deviceId, chain] of chains) {
      if (chain.advanced) updateChainHead.run({ facilityId, deviceId, deviceSeq: chain.deviceSeq, hash: chain.hash! });
    }
    if (seq !== head) upsertHead.run(facilityId, seq);
    return results;
  });

  return {
    async append(facilityId, records, at) {
      try {
        // IMMEDIATE takes the write lock before the head is read, so no other
        // connection can hand out the same seq (https://sqlite.org/lang_transaction.html).
        return { ok: true, results: appendBatch.immediate(facilityId, records, at) };
      } catch (error) {
        if (error instanceof RefusedBatchError) return error.failure;
        throw error;
      }
    },
    async read(facilityId, afterSeq, limit): Promise<StoredRecord[]> {
      assertCount(afterSeq, 'afterSeq', 0);
      assertCount(limit, 'limit', 1);
      return selectAfter.all(facilityId, afterSeq, limit).map((row) => ({
        seq: row.seq,
        recordId: row.record_id,
        bytes: toBytes(row.bytes),
      }));
    },
    async head(facilityId) {
      return selectHead.get(facilityId)?.head ?? 0;
    },
  };
}
