import type Database from 'better-sqlite3';

// The schema as an append-only list of migrations. The database's
// PRAGMA user_version counts the ones applied, so a database written by an
// older Kura is brought forward at open, and one written by a newer Kura is
// refused instead of being misread. Never edit a shipped migration: add one.
//
// Conventions:
// - STRICT tables: SQLite then refuses a REAL in an INTEGER column or text in
//   a BLOB column instead of silently storing it (https://sqlite.org/stricttables.html).
// - Times are INTEGER milliseconds since the epoch; bytes are BLOBs.
// - Foreign keys have no ON DELETE CASCADE: nothing here is deleted in bulk
//   except pending facilities (which own nothing yet) and expired rows, so a
//   delete that would orphan a row must fail loudly.
// - challenges, usage and access_log name a facility without a foreign key:
//   a login challenge may be issued for an unknown facility (so a probe can
//   not tell which facilities exist), and metering or logging must never turn
//   a refused request into a server error.
const MIGRATIONS: readonly string[] = [
  /* 1: accounts, log, blob references, shares, usage, access log */ `
  CREATE TABLE facilities (
    facility_id          TEXT PRIMARY KEY,
    pending_admin_id     TEXT NOT NULL,
    created_at           INTEGER NOT NULL,
    activated_at         INTEGER,
    transfer_public_key  BLOB,
    quota_bytes          INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE members (
    facility_id           TEXT NOT NULL REFERENCES facilities (facility_id),
    member_id             TEXT NOT NULL,
    member_handle         TEXT NOT NULL,
    role                  TEXT NOT NULL CHECK (role IN ('admin', 'clinician', 'viewer')),
    kdf_params            BLOB NOT NULL,
    login_public_key      BLOB NOT NULL,
    wrapped_facility_key  BLOB NOT NULL,
    created_at            INTEGER NOT NULL,
    disabled_at           INTEGER,
    PRIMARY KEY (facility_id, member_id),
    UNIQUE (facility_id, member_handle)
  ) STRICT;

  CREATE TABLE devices (
    facility_id       TEXT NOT NULL,
    device_id         TEXT NOT NULL,
    member_id         TEXT NOT NULL,
    label             TEXT NOT NULL,
    public_key        BLOB NOT NULL,
    created_at        INTEGER NOT NULL,
    last_seen_at      INTEGER,
    revoked_at        INTEGER,
    -- Head of the device's record chain: what its next record must continue.
    last_device_seq   INTEGER NOT NULL DEFAULT 0,
    last_record_hash  BLOB,
    PRIMARY KEY (facility_id, device_id),
    FOREIGN KEY (facility_id, member_id) REFERENCES members (facility_id, member_id)
  ) STRICT;
  CREATE INDEX devices_by_member ON devices (facility_id, member_id);

  CREATE TABLE challenges (
    nonce        BLOB PRIMARY KEY,
    facility_id  TEXT NOT NULL,
    subject      TEXT NOT NULL,
    expires_at   INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX challenges_by_expiry ON challenges (expires_at);

  CREATE TABLE sessions (
    token_hash           BLOB PRIMARY KEY,
    facility_id          TEXT NOT NULL,
    member_id            TEXT NOT NULL,
    device_id            TEXT NOT NULL,
    created_at           INTEGER NOT NULL,
    last_used_at         INTEGER NOT NULL,
    absolute_expires_at  INTEGER NOT NULL,
    FOREIGN KEY (facility_id, member_id) REFERENCES members (facility_id, member_id),
    FOREIGN KEY (facility_id, device_id) REFERENCES devices (facility_id, device_id)
  ) STRICT;
  CREATE INDEX sessions_by_device ON sessions (facility_id, device_id);

  -- The last seq given out per facility: one small row updated in the
  -- append transaction, so seqs are gap-free without scanning the log.
  CREATE TABLE facility_heads (
    facility_id  TEXT PRIMARY KEY REFERENCES facilities (facility_id),
    head         INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;

  -- A rowid table, not WITHOUT ROWID: rows carry sealed records of up to
  -- 256 KiB, and SQLite advises WITHOUT ROWID only for small rows
  -- (https://sqlite.org/withoutrowid.html, section 4).
  CREATE TABLE records (
    facility_id  TEXT NOT NULL REFERENCES facilities (facility_id),
    seq          INTEGER NOT NULL,
    record_id    TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    device_seq   INTEGER NOT NULL,
    doc_id       TEXT NOT NULL,
    patient_key  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    record_hash  BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (facility_id, seq),
    UNIQUE (facility_id, record_id),
    -- Backs the chain check: a device never has two records at one position.
    UNIQUE (facility_id, device_id, device_seq),
    FOREIGN KEY (facility_id, device_id) REFERENCES devices (facility_id, device_id)
  ) STRICT;
  CREATE INDEX records_by_doc ON records (facility_id, doc_id);

  CREATE TABLE blob_refs (
    facility_id  TEXT NOT NULL REFERENCES facilities (facility_id),
    address      TEXT NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (facility_id, address)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE shares (
    share_id              TEXT PRIMARY KEY,
    facility_id           TEXT NOT NULL,
    member_id             TEXT NOT NULL,
    kdf_params            BLOB NOT NULL,
    verifier_public_key   BLOB NOT NULL,
    bundle                BLOB NOT NULL,
    -- JSON array of blob addresses: read and written whole, never queried.
    blobs                 TEXT NOT NULL CHECK (json_valid(blobs)),
    created_at            INTEGER NOT NULL,
    expires_at            INTEGER NOT NULL,
    max_opens             INTEGER,
    opens                 INTEGER NOT NULL DEFAULT 0,
    failed_attempts       INTEGER NOT NULL DEFAULT 0,
    failure_window_start  INTEGER,
    locked_until          INTEGER,
    revoked_at            INTEGER,
    FOREIGN KEY (facility_id, member_id) REFERENCES members (facility_id, member_id)
  ) STRICT;
  CREATE INDEX shares_by_facility ON shares (facility_id, created_at);

  CREATE TABLE share_tokens (
    token_hash  BLOB PRIMARY KEY,
    share_id    TEXT NOT NULL REFERENCES shares (share_id),
    expires_at  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX share_tokens_by_share ON share_tokens (share_id);
  CREATE INDEX share_tokens_by_expiry ON share_tokens (expires_at);

  CREATE TABLE usage (
    facility_id     TEXT NOT NULL,
    month           TEXT NOT NULL,
    bytes_served    INTEGER NOT NULL DEFAULT 0,
    records_pushed  INTEGER NOT NULL DEFAULT 0,
    requests        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (facility_id, month)
  ) STRICT, WITHOUT ROWID;

  -- AUTOINCREMENT: ids are never reused, so an id stays a stable paging
  -- cursor even if old entries are pruned (https://sqlite.org/autoinc.html).
  CREATE TABLE access_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    facility_id  TEXT NOT NULL,
    at           INTEGER NOT NULL,
    action       TEXT NOT NULL,
    member_id    TEXT,
    device_id    TEXT,
    subject      TEXT,
    address      TEXT
  ) STRICT;
  CREATE INDEX access_log_by_facility ON access_log (facility_id, id);
  `,

  /* 2: bytes stored per facility, kept as blob references come and go */ `
  -- The quota check of every upload read SUM(size) over the facility's blob
  -- references: 2.5 ms per upload at 50,000 parts (50 GiB), growing with the
  -- archive. Triggers keep the total in the statement that changes a
  -- reference, so it can not drift from the references.
  CREATE TABLE facility_storage (
    facility_id   TEXT PRIMARY KEY REFERENCES facilities (facility_id),
    bytes_stored  INTEGER NOT NULL CHECK (bytes_stored >= 0)
  ) STRICT, WITHOUT ROWID;

  INSERT INTO facility_storage (facility_id, bytes_stored)
  SELECT facility_id, SUM(size) FROM blob_refs GROUP BY facility_id;

  CREATE TRIGGER blob_refs_add_storage AFTER INSERT ON blob_refs BEGIN
    INSERT INTO facility_storage (facility_id, bytes_stored) VALUES (NEW.facility_id, NEW.size)
    ON CONFLICT (facility_id) DO UPDATE SET bytes_stored = bytes_stored + excluded.bytes_stored;
  END;

  CREATE TRIGGER blob_refs_remove_storage AFTER DELETE ON blob_refs BEGIN
    UPDATE facility_storage SET bytes_stored = bytes_stored - OLD.size WHERE facility_id = OLD.facility_id;
  END;
  `,
];

/** The schema version this code writes: the number of migrations. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to SCHEMA_VERSION; refuses a database from a newer Kura. */
export function migrateSchema(db: Database.Database): void {
  // IMMEDIATE takes the write lock before reading user_version, so two
  // processes opening a new file at once cannot both run migration 1.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `Kura: the database ${db.name} has schema version ${current}, newer than this server's ${SCHEMA_VERSION}; upgrade Kura.`,
      );
    }
    for (let version = current; version < SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version]!);
      // user_version lives in the database header and is written inside this
      // transaction, so a crash leaves either the old schema or the new one.
      db.pragma(`user_version = ${version + 1}`);
    }
  }).immediate();
}
