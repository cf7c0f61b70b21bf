// pwa/src/db/: the Dexie schema of the device's encrypted store (DESIGN.md §7).
export { KuraDb, openKuraDb } from './kura-db.ts';
export { deleteParts, getParts, PAGE_BYTES, putParts, readParts } from './part-store.ts';
export type {
  BlobPartRow,
  CursorRow,
  DeviceMemberRow,
  DeviceRow,
  IndexPageRow,
  LogPageRow,
  LogPageState,
  MemberRole,
  PartPageRow,
  StagedBlobRow,
} from './kura-db.ts';
