// The store contract: everything the server keeps, behind one interface with
// one adapter per backend (SQLite + blob folder by default; PostgreSQL + S3
// at scale). Routes see only this file's types. One contract test suite
// (contract.test-suite.ts) runs against every adapter.
//
// The store holds nothing readable: sealed records, wrapped keys, public
// keys, KDF parameters, opaque blob bytes and the metadata needed to bill and
// authorise (IDs, sizes, times).

export type Role = 'admin' | 'clinician' | 'viewer';

export interface FacilityRow {
  facilityId: string;
  createdAt: number; // ms since epoch, like every time here
  activatedAt: number | null;
  transferPublicKey: Uint8Array | null;
  quotaBytes: number;
}

export interface MemberRow {
  facilityId: string;
  memberId: string;
  memberHandle: string;
  role: Role;
  kdfParams: Uint8Array;
  loginPublicKey: Uint8Array;
  wrappedFacilityKey: Uint8Array;
  createdAt: number;
  disabledAt: number | null;
}

export interface DeviceRow {
  facilityId: string;
  deviceId: string;
  memberId: string;
  label: string;
  publicKey: Uint8Array;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
  /** deviceSeq and hash of the device's last stored record: the head of its chain. */
  lastDeviceSeq: number;
  lastRecordHash: Uint8Array | null;
}

export interface SessionRow {
  /** SHA-256 of the token: a leaked database gives no usable session. */
  tokenHash: Uint8Array;
  facilityId: string;
  memberId: string;
  deviceId: string;
  createdAt: number;
  lastUsedAt: number;
  absoluteExpiresAt: number;
}

export interface ChallengeRow {
  nonce: Uint8Array;
  facilityId: string;
  subject: string; // memberId or shareId
  expiresAt: number;
}

export interface AccountStore {
  /** Registration step 1: a pending facility with its admin's member ID. */
  createFacility(row: { facilityId: string; memberId: string; createdAt: number; quotaBytes: number }): Promise<void>;
  /**
   * Registration step 2, once: the admin member and first device; false if
   * already active, unknown, or admin.memberId is not the one reserved at step 1.
   */
  activateFacility(input: {
    facilityId: string;
    transferPublicKey: Uint8Array;
    admin: Omit<MemberRow, 'facilityId' | 'disabledAt' | 'role' | 'createdAt'>;
    device: Omit<DeviceRow, 'facilityId' | 'lastSeenAt' | 'revokedAt' | 'lastDeviceSeq' | 'lastRecordHash'>;
    at: number;
  }): Promise<boolean>;
  getFacility(facilityId: string): Promise<FacilityRow | null>;
  /** The admin member ID reserved at step 1 (for activation). */
  getPendingAdmin(facilityId: string): Promise<string | null>;
  /** Deletes facilities never activated, created before `before`. Returns how many. */
  deletePendingFacilities(before: number): Promise<number>;

  createMember(row: MemberRow): Promise<'created' | 'handle_taken'>;
  getMember(facilityId: string, memberId: string): Promise<MemberRow | null>;
  findMemberByHandle(facilityId: string, memberHandle: string): Promise<MemberRow | null>;
  listMembers(facilityId: string): Promise<MemberRow[]>;
  setMemberDisabled(facilityId: string, memberId: string, at: number | null): Promise<boolean>;
  updateMemberKeys(
    facilityId: string,
    memberId: string,
    keys: { kdfParams: Uint8Array; loginPublicKey: Uint8Array; wrappedFacilityKey: Uint8Array },
  ): Promise<boolean>;

  createDevice(row: Omit<DeviceRow, 'lastSeenAt' | 'revokedAt' | 'lastDeviceSeq' | 'lastRecordHash'>): Promise<void>;
  getDevice(facilityId: string, deviceId: string): Promise<DeviceRow | null>;
  listDevices(facilityId: string): Promise<DeviceRow[]>;
  /** Marks the device revoked and deletes its sessions in the same transaction. */
  revokeDevice(facilityId: string, deviceId: string, at: number): Promise<boolean>;

  /** Stores a single-use nonce. */
  putChallenge(row: ChallengeRow): Promise<void>;
  /** Deletes and returns the challenge if it exists and has not expired: a nonce is good once. */
  takeChallenge(nonce: Uint8Array, now: number): Promise<ChallengeRow | null>;

  /** Also marks the session's device seen (DeviceRow.lastSeenAt) at createdAt. */
  createSession(row: SessionRow): Promise<void>;
  getSession(tokenHash: Uint8Array): Promise<SessionRow | null>;
  /** Sets lastUsedAt and the device's lastSeenAt to `at` (neither moves backwards). */
  touchSession(tokenHash: Uint8Array, at: number): Promise<void>;
  deleteSession(tokenHash: Uint8Array): Promise<void>;
  deleteExpired(now: number, idleMs: number): Promise<void>;
}

export interface StoredRecord {
  seq: number;
  recordId: string;
  bytes: Uint8Array;
}

export interface RecordToAppend {
  recordId: string;
  deviceId: string;
  deviceSeq: number;
  /** Hash of the device's previous record (32 zero bytes for its first). */
  prevHash: Uint8Array;
  docId: string;
  patientKey: string;
  kind: string;
  bytes: Uint8Array;
  /** SHA-256 of bytes (crypto's hashRecord): the next record of this device links to it. */
  hash: Uint8Array;
}

export type AppendResult =
  | { ok: true; results: { status: 'stored' | 'duplicate'; seq: number }[] }
  /**
   * Nothing of the batch was stored. 'conflict': the record ID exists with
   * other bytes. 'chain_broken': deviceSeq / prevHash do not continue the
   * device's chain (a gap, a replay or a fork); expectedSeq is what the chain
   * needs next.
   */
  | { ok: false; index: number; reason: 'conflict' | 'chain_broken'; expectedSeq?: number };

export interface LogStore {
  /**
   * Appends a batch atomically, in one transaction (one fsync): per-facility
   * seqs are assigned in order with no gaps, even under concurrent appends.
   * A record whose ID is stored with identical bytes is acknowledged with its
   * seq ('duplicate') and leaves the chain as it is; any other record must
   * continue its device's chain (deviceSeq = head + 1, prevHash = head hash),
   * the head advancing record by record within the batch.
   */
  append(facilityId: string, records: RecordToAppend[], at: number): Promise<AppendResult>;
  read(facilityId: string, afterSeq: number, limit: number): Promise<StoredRecord[]>;
  head(facilityId: string): Promise<number>;
}

export interface BlobRefStore {
  /** Records that the facility holds the blob (uploaded it, or re-sent one already stored). */
  addBlobRef(facilityId: string, address: string, size: number, at: number): Promise<'added' | 'existing'>;
  hasBlobRef(facilityId: string, address: string): Promise<boolean>;
  /** Bytes of distinct blobs the facility holds. */
  bytesStored(facilityId: string): Promise<number>;
}

export interface ShareRow {
  shareId: string;
  facilityId: string;
  memberId: string;
  kdfParams: Uint8Array;
  verifierPublicKey: Uint8Array;
  bundle: Uint8Array;
  blobs: string[];
  createdAt: number;
  expiresAt: number;
  maxOpens: number | null;
  opens: number;
  failedAttempts: number;
  /** Start of the current failure window and the time before which opens are refused. */
  failureWindowStart: number | null;
  lockedUntil: number | null;
  revokedAt: number | null;
}

export interface ShareTokenRow {
  tokenHash: Uint8Array;
  shareId: string;
  expiresAt: number;
}

export interface ShareStore {
  createShare(row: Omit<ShareRow, 'opens' | 'failedAttempts' | 'failureWindowStart' | 'lockedUntil' | 'revokedAt'>): Promise<'created' | 'exists'>;
  getShare(shareId: string): Promise<ShareRow | null>;
  listShares(facilityId: string): Promise<ShareRow[]>;
  revokeShare(facilityId: string, shareId: string, at: number): Promise<boolean>;
  /** Counts a failed open; applies the lockout policy's new state atomically. */
  recordShareFailure(shareId: string, update: { failedAttempts: number; failureWindowStart: number; lockedUntil: number | null }): Promise<void>;
  /** Counts a verified open if maxOpens allows, atomically; false when none are left. */
  consumeShareOpen(shareId: string, token: ShareTokenRow): Promise<boolean>;
  getShareToken(tokenHash: Uint8Array): Promise<ShareTokenRow | null>;
}

export interface UsageStore {
  /** Adds to this month's counters. */
  addUsage(facilityId: string, month: string, delta: { bytesServed?: number; recordsPushed?: number; requests?: number }): Promise<void>;
  listUsage(facilityId: string): Promise<{ month: string; bytesServed: number; recordsPushed: number; requests: number }[]>;
}

export interface AccessEntryRow {
  facilityId: string;
  at: number;
  action: string;
  memberId: string | null;
  deviceId: string | null;
  subject: string | null;
  address: string | null;
}

export interface AccessLogStore {
  /**
   * Appends durably (fsync'd when it resolves). Entries queued with
   * queueAccess are written first, in the same transaction, so entry ids
   * follow the order of events.
   */
  appendAccess(entry: AccessEntryRow): Promise<void>;
  /**
   * Queues an entry for a read (log.pull, blob.download) to be written with
   * others in one transaction: with the next appendAccess, flushAccess or
   * listAccess, when a batch fills, within a second by a timer, and on
   * close. Not durable when it returns: a crash loses at most the queued
   * entries (see access-queue.ts for why reads, and only reads, are logged
   * this way). Throws when too many entries wait because writing fails, so
   * a read is refused rather than served unlogged.
   */
  queueAccess(entry: AccessEntryRow): void;
  /** Writes the queued entries (durably) now. */
  flushAccess(): Promise<void>;
  /**
   * Newest first, entries older than `before` (an opaque cursor: the row
   * id), at most `limit`. Queued entries are written first, so a listing
   * never misses a read that was already served.
   */
  listAccess(facilityId: string, options: { before?: number; limit: number }): Promise<{ entries: (AccessEntryRow & { id: number })[] }>;
}

/** What an adapter implements itself; access-queue.ts adds the queue on top, the same for every adapter. */
export interface AccessLogWriter {
  /** Appends the entries in order, atomically, in one durable transaction (one fsync). */
  appendAccessEntries(entries: readonly AccessEntryRow[]): Promise<void>;
  listAccess: AccessLogStore['listAccess'];
}

/** Everything but blob bytes: one database. */
export interface MetaStore extends AccountStore, LogStore, BlobRefStore, ShareStore, UsageStore, AccessLogStore {
  close(): Promise<void>;
}

/** Blob bytes by address: a folder by default, S3 at scale. */
export interface BlobStore {
  /**
   * Stores `bytes` under `address` after checking SHA-256(bytes) = address;
   * durable before it resolves (temp file written, then fdatasynced,
   * rename, fsync folder).
   * Storing an address already present is a no-op.
   */
  put(address: string, bytes: Uint8Array): Promise<void>;
  /**
   * put() for bytes still arriving: each chunk is written and hashed as it
   * comes, so an upload is on disk moments after its last byte rather than
   * a whole part's write later. Resolves to the number of bytes once they
   * are durable under `address`, like put(). Refuses more than `maxBytes`
   * (BlobTooLargeError) or bytes that miss the address (BlobHashMismatchError),
   * and rejects with the iterable's own error when it fails (a client that
   * went away); in each case nothing is stored and the temp file is removed.
   */
  putStream(address: string, chunks: AsyncIterable<Uint8Array>, options: { maxBytes: number }): Promise<number>;
  /** Size in bytes, or null when absent. */
  size(address: string): Promise<number | null>;
  /**
   * A byte range [start, end) of a stored blob, in memory: parts are at most
   * 1 MiB (protocol), and a buffer answered an HTTP GET 4x faster here than a
   * stream (bench/RESULTS.md). null when absent.
   */
  read(address: string, range?: { start: number; end: number }): Promise<Uint8Array | null>;
  /** Removes temp files of uploads interrupted before `before`. Returns how many. */
  collectOrphans(before: number): Promise<number>;
}
