import Dexie, { type Table } from 'dexie';

/**
 * The device's local store (DESIGN.md §7): ciphertext only, the same sealed
 * records and blob parts the server holds, plus the outbox, sync cursors and
 * one row describing this device.
 *
 * IndexedDB costs ~0.4 ms per row with indexes (measured here), so records
 * are kept in pages (one row per import commit or pulled batch), not a row
 * per record, and the search index is kept as a few large encrypted pages.
 *
 * What someone who copies these files learns: the facility ID and name, the
 * server address, staff names and roles of members who unlock here, the
 * Secret Key, the public record headers (record/doc IDs, opaque patient keys,
 * kinds, device sequence), sizes (padded) and times. Nothing about a patient:
 * names, numbers, descriptions, reports and pixels are inside AEAD
 * ciphertext whose keys are wrapped under the facility key, which only a
 * member's password (scrypt) together with the Secret Key unwraps.
 *
 * Why the Secret Key may sit here in clear: it is the second secret of the
 * two-secret derivation (the 1Password model). Its job is to make the
 * *server's* copy useless for password guessing; on the device a guess still
 * costs one scrypt per try, as with any password manager's local vault.
 * Staff and facility names are shown on the locked screen (who can unlock
 * here), so they cannot be encrypted under a key the password unlocks.
 */

/** Which sync table goes where: logPages and blobParts sync; indexPages, cursors and device stay on this device. */
export type LogPageState = 'pending' | 'pushed' | 'pulled';

export interface LogPageRow {
  pageId?: number;
  /** 'pending' = the outbox: made here, not yet acknowledged by the server. */
  state: LogPageState;
  /** Sealed records (crypto's record envelope), in device order. */
  records: Uint8Array[];
  /** Server seq of each record, once known (pushed or pulled); null while pending. */
  seqs: (number | null)[];
  createdAt: number;
  bytes: number;
}

/**
 * Where a blob part's ciphertext is: bytes [offset, offset + length) of a
 * part page. Parts are packed into pages of up to 1 MiB because IndexedDB's
 * cost is per value as much as per byte (Chromium keeps each large value in
 * a file of its own): DICOM files are mostly well under 1 MiB, and one value
 * per file made storing an import ~1.5x slower (bench/RESULTS.md).
 */
export interface BlobPartRow {
  /** SHA-256 of the ciphertext, lowercase hex (crypto's addressOf). */
  address: string;
  page: number;
  offset: number;
  length: number;
  /** 1 once the server has it (numbers, since IndexedDB cannot index booleans). */
  uploaded: 0 | 1;
}

/**
 * Ciphertext of blob parts, back to back (see BlobPartRow); deleted with its
 * last part. A Blob, not bytes: IndexedDB serialises a byte array on the
 * writing thread and tries to compress it (ciphertext never compresses),
 * while a Blob is handed over as it is: the reading phase of an import ran
 * ~0.5 s (15-25 %) faster with pages as Blobs (bench/RESULTS.md).
 */
export interface PartPageRow {
  pageId?: number;
  bytes: Blob;
}

/**
 * A blob an import has encrypted and stored while it was being read, before
 * the person confirmed the import: its parts are in blobParts, but no record
 * refers to them yet, so they are not uploaded. Saving the import deletes the
 * row in the same transaction that stores the records; an import cancelled,
 * locked or cut short by a closed tab leaves rows that the vault deletes,
 * parts included, at the next unlock.
 */
export interface StagedBlobRow {
  blobId: string;
  /** The import (its plan) that staged it. */
  planId: string;
  addresses: string[];
}

export interface IndexPageRow {
  pageId?: number;
  /** The blob ID the page was encrypted under (encryptBlob with the local index key). */
  blobId: string;
  /** The studies and patients the page describes (JSON, encrypted). */
  entries: Uint8Array;
  /** The SOP Instance UIDs the page's commit added (JSON, encrypted apart so unlock need not read them). */
  instances: Uint8Array;
  createdAt: number;
  bytes: number;
}

export interface CursorRow {
  /** e.g. 'log' for the pull cursor. */
  name: string;
  value: number;
}

export type MemberRole = 'admin' | 'clinician' | 'viewer';

/** A member who can unlock on this device. */
export interface DeviceMemberRow {
  memberId: string;
  name: string;
  role: MemberRole;
  /** crypto's encodeKdfParams. */
  kdfParams: Uint8Array;
  /** The facility key under this member's KEK. */
  wrappedFacilityKey: Uint8Array;
  /** This device's signing key under this member's KEK, so any member unlocking here can sign. */
  wrappedDeviceSigningKey: Uint8Array;
}

export interface DeviceRow {
  /** Always 'this': one row. */
  key: 'this';
  facilityId: string;
  facilityName: string;
  serverUrl: string;
  /** 16 bytes; see the note at the top of this file. */
  secretKey: Uint8Array;
  members: DeviceMemberRow[];
  deviceId: string;
  devicePublicKey: Uint8Array;
  /** Under the facility key (crypto's wrapPatientKeySecret). */
  wrappedPatientKeySecret: Uint8Array;
  /** The key of the index pages, under the facility key (wrapDocumentKey, docId `index-<deviceId>`). */
  wrappedIndexKey: Uint8Array;
  /** This device's chain head: the last deviceSeq written and that record's hash. */
  deviceSeq: number;
  prevHash: Uint8Array;
  autoLockMinutes: number;
  /** Registered here, Recovery Kit not yet confirmed as kept. */
  pendingKit: boolean;
  /** Ciphertext bytes in logPages, blobParts (staged ones too) and indexPages, kept as a running sum (summing rows would read every part). */
  storedBytes: number;
}

export class KuraDb extends Dexie {
  device!: Table<DeviceRow, 'this'>;
  logPages!: Table<LogPageRow, number>;
  blobParts!: Table<BlobPartRow, string>;
  partPages!: Table<PartPageRow, number>;
  indexPages!: Table<IndexPageRow, number>;
  cursors!: Table<CursorRow, string>;
  stagedBlobs!: Table<StagedBlobRow, string>;

  constructor(name = 'kura') {
    super(name);
    this.version(1).stores({
      device: 'key',
      logPages: '++pageId, state',
      blobParts: 'address, uploaded',
      indexPages: '++pageId',
      cursors: 'name',
    });
    this.version(2)
      .stores({ blobParts: 'address, uploaded, page', partPages: '++pageId', stagedBlobs: 'blobId, planId' })
      // Version 1 kept each part's bytes in its own row: each moves to a page of its own.
      .upgrade(async (tx) => {
        const parts = tx.table('blobParts');
        const pages = tx.table('partPages');
        for (const row of (await parts.toArray()) as (Partial<BlobPartRow> & { address: string; bytes?: Uint8Array })[]) {
          if (!row.bytes) continue;
          const page = (await pages.add({ bytes: new Blob([row.bytes as Uint8Array<ArrayBuffer>]) })) as number;
          await parts.put({ address: row.address, page, offset: 0, length: row.bytes.length, uploaded: row.uploaded ?? 0 });
        }
      });
  }
}

/** Opens (creating on first use) the device's database. */
export function openKuraDb(name = 'kura'): KuraDb {
  return new KuraDb(name);
}
