import Database from 'better-sqlite3';
import { migrateSchema } from './schema.ts';

// How long a connection waits for another one's write lock before failing
// with SQLITE_BUSY: only another process (a backup, a second server by
// mistake) can hold it, since one better-sqlite3 connection runs one
// statement at a time.
const BUSY_TIMEOUT_MS = 5_000;

/** Opens (creating if needed) a Kura database with its durability settings and the current schema. */
export function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  try {
    // WAL: readers (pulls) do not block the writer (pushes) and a commit is
    // one sequential append to the WAL file (https://sqlite.org/wal.html).
    db.pragma('journal_mode = WAL');
    // FULL: in WAL mode NORMAL may lose the last commits on power loss; an
    // acknowledged push must survive a SIGKILL and a power cut, so the WAL is
    // fsynced at every commit (https://sqlite.org/pragma.html#pragma_synchronous).
    db.pragma('synchronous = FULL');
    // Off by default in SQLite, per connection, and a no-op inside a
    // transaction: set before the migration runs.
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    migrateSchema(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
