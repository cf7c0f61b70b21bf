// pwa/src/db/: the Dexie schema of the device's encrypted store (DESIGN.md §7).
export { KuraDb, openKuraDb } from './kura-db.ts';
export type {
  BlobPartRow,
  CursorRow,
  DeviceMemberRow,
  DeviceRow,
  IndexPageRow,
  LogPageRow,
  LogPageState,
  MemberRole,
  StagedBlobRow,
} from './kura-db.ts';
