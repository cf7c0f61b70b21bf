import type { AccessEntryRow, AccessLogStore, AccessLogWriter, MetaStore } from './contract.ts';

// Why read entries are queued, and only read entries
// ---------------------------------------------------
// A pull or a blob download changes nothing the server keeps: its
// access-log entry is the only write it causes. Written alone, that entry
// costs a transaction with an fsync of the WAL (synchronous=FULL), which was
// as much as all the rest of a 100-record pull page or of a 1 MiB part served
// from the page cache, and SQLite has one writer, so under load the fsyncs
// of reads queue up with those of pushes and uploads. Queued, the entries of
// many reads share one transaction: at most one fsync per second (or per
// DEFAULT_MAX_BATCH reads) instead of one per read.
//
// What this gives up: a crash (SIGKILL, power loss) loses the entries of the
// reads of at most the last second (or batch). Nothing else: the reads
// themselves wrote nothing, and records, blobs, blob references and accounts
// are still durable before they are acknowledged.
//
// What it keeps:
// - Security events (logins and failed logins, registrations, device
//   enrolment and revocation, member and share changes, share opens and
//   failed opens) are appended durably before their answer, as before.
// - Order: every durable append writes the queued entries first, in its own
//   transaction, so entry ids (the order the facility reads its log in)
//   follow the order of events.
// - Every listing of the log writes the queue first: an admin reading the
//   audit trail sees every read already served.
// - Shutdown (SIGTERM, close()) writes the queue.
// - No read goes unlogged because the store fails: a failed write keeps its
//   entries queued and retries them; once DEFAULT_MAX_PENDING entries wait,
//   queueAccess throws and reads are refused (500) instead of being served
//   without their entries.
// The stake is small as well: a read hands out ciphertext, and an attacker
// would have to crash the server within a second of each read to hide it;
// one able to kill the server process can read its files anyway.

/** A queued entry is written at most this long after it was queued. */
export const DEFAULT_FLUSH_MS = 1000;
/** This many queued entries are written at once, without waiting for the timer. */
export const DEFAULT_MAX_BATCH = 256;
/** Past this many waiting entries (writing them keeps failing), reads are refused. */
export const DEFAULT_MAX_PENDING = 10_000;

export interface AccessQueueOptions {
  flushMs?: number;
  maxBatch?: number;
  maxPending?: number;
  /** Where a failed write started by the timer or a full batch is reported. */
  onError?: (error: unknown) => void;
}

/** An adapter's own parts: everything but the access-log queue, which this module adds. */
export type MetaStoreWithoutQueue = Omit<MetaStore, keyof AccessLogStore> & AccessLogWriter;

/** The MetaStore over an adapter: appendAccess, queueAccess, flushAccess and listAccess as the contract describes. */
export function withAccessQueue(store: MetaStoreWithoutQueue, options: AccessQueueOptions = {}): MetaStore {
  const flushMs = options.flushMs ?? DEFAULT_FLUSH_MS;
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  const onError = options.onError ?? ((error) => console.error('Kura: writing the access log failed:', error));
  const { appendAccessEntries, listAccess, close, ...rest } = store;

  let pending: AccessEntryRow[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Writes run one after another, so a batch never overtakes an earlier one
  // with an adapter whose writes are truly concurrent.
  let tail: Promise<void> = Promise.resolve();
  let closed = false;

  function arm(): void {
    if (timer !== undefined || pending.length === 0 || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      write().catch(onError);
    }, flushMs);
    // The queue alone keeps no process alive; shutdown writes it through close().
    timer.unref?.();
  }

  /** Writes the queue, then `own` (a durable append's entry), in one transaction. */
  function write(own?: AccessEntryRow): Promise<void> {
    const queued = pending;
    pending = [];
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const batch = own === undefined ? queued : [...queued, own];
    const run = tail.then(() => (batch.length > 0 ? appendAccessEntries(batch) : undefined));
    tail = run.catch(() => undefined);
    return run.catch((error: unknown) => {
      // The queued entries wait for the next write; the caller of appendAccess hears about its own.
      pending = queued.concat(pending);
      arm();
      throw error;
    });
  }

  return {
    ...rest,
    appendAccess(entry) {
      return write(entry);
    },
    queueAccess(entry) {
      if (closed) throw new Error('The access log is closed');
      if (pending.length >= maxPending) {
        throw new Error(`${pending.length} access-log entries are waiting to be written; reads are refused until the store takes them`);
      }
      pending.push(entry);
      if (pending.length >= maxBatch) write().catch(onError);
      else arm();
    },
    flushAccess() {
      return write();
    },
    async listAccess(facilityId, listOptions) {
      await write();
      return listAccess(facilityId, listOptions);
    },
    async close() {
      closed = true;
      try {
        await write();
      } finally {
        await close();
      }
    },
  };
}
