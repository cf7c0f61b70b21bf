import { withAccessQueue, type AccessQueueOptions } from '../access-queue.ts';
import type { MetaStore } from '../contract.ts';
import { createAccessLogStore } from './access-log.ts';
import { createAccountStore } from './accounts.ts';
import { createBlobRefStore } from './blob-refs.ts';
import { createLogStore } from './log.ts';
import { openDatabase } from './open-database.ts';
import { createShareStore } from './shares.ts';
import { createUsageStore } from './usage.ts';

/**
 * The embedded MetaStore: one SQLite file, no server to run.
 *
 * better-sqlite3 is synchronous, so every method runs to completion before
 * its promise is returned. That serialises all calls of one process (the
 * concurrency the contract asks for comes free); transactions are still
 * IMMEDIATE so another process sharing the file cannot interleave.
 */
export function openSqliteStore(options: { path: string; accessQueue?: AccessQueueOptions }): MetaStore {
  const db = openDatabase(options.path);
  // Each part prepares its statements here, once, not per call.
  const parts = {
    ...createAccountStore(db),
    ...createLogStore(db),
    ...createBlobRefStore(db),
    ...createShareStore(db),
    ...createUsageStore(db),
    ...createAccessLogStore(db),
    async close() {
      // Closing checkpoints the WAL into the main file; a second close is a no-op.
      if (db.open) db.close();
    },
  };
  // Read entries of the access log are queued and written in batches (access-queue.ts).
  return withAccessQueue(parts, options.accessQueue);
}
