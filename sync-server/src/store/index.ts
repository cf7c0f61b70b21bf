// The store's front door (STYLE.md principle 1): routes and the runtime
// import the contract and the adapters from here only. Adapters are chosen in
// one place, openDefaultStores for now; PostgreSQL and S3 join it later.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BlobStore, MetaStore } from './contract.ts';
import { openBlobFolder } from './blob-folder.ts';
import { openSqliteStore } from './sqlite/index.ts';

export type {
  AccessEntryRow,
  AccessLogStore,
  AccountStore,
  AppendResult,
  BlobRefStore,
  BlobStore,
  ChallengeRow,
  DeviceRow,
  FacilityRow,
  LogStore,
  MemberRow,
  MetaStore,
  RecordToAppend,
  Role,
  SessionRow,
  ShareRow,
  ShareStore,
  ShareTokenRow,
  StoredRecord,
  UsageStore,
} from './contract.ts';
export { BlobHashMismatchError, BlobTooLargeError, openBlobFolder } from './blob-folder.ts';
export { openSqliteStore } from './sqlite/index.ts';

/** The embedded default: `<dataDir>/kura.sqlite` and `<dataDir>/blobs/`, created if missing. */
export function openDefaultStores(dataDir: string): { meta: MetaStore; blobs: BlobStore } {
  mkdirSync(dataDir, { recursive: true });
  const blobs = openBlobFolder({ dir: join(dataDir, 'blobs') });
  const meta = openSqliteStore({ path: join(dataDir, 'kura.sqlite') });
  return { meta, blobs };
}
