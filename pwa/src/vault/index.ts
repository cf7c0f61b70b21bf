// pwa/src/vault/: the UI's door to the vault worker (DESIGN.md §7). Only
// light code lives behind this door: the worker (keys, crypto, DICOM
// parsing, IndexedDB) is reached through its URL, so none of it lands in the
// main bundle. Worker-side modules import create-vault.ts directly.
import * as Comlink from 'comlink';
import type { VaultApi } from './vault-api.ts';

export { VaultError, vaultErrorCode } from './vault-error.ts';
export type {
  AddMemberInput,
  DeviceStatus,
  DocumentDetails,
  DocumentForm,
  EnrolInput,
  ImportFailure,
  InstanceDetails,
  ImportPlan,
  ImportProgress,
  ImportSource,
  ImportSummary,
  MemberView,
  PatientTimeline,
  PlannedStudy,
  RecoveryKitView,
  RegisterInput,
  Role,
  SearchAnswer,
  SeriesDetails,
  Session,
  StorageView,
  StudyDetails,
  UnlockInput,
  VaultApi,
  VaultErrorCode,
} from './vault-api.ts';

export interface VaultConnection {
  vault: Comlink.Remote<VaultApi>;
  /** Ends the worker (its keys go with it). */
  close(): void;
}

/**
 * Starts the vault worker and returns its API. Callbacks passed to it
 * (import progress) must be wrapped in Comlink.proxy, re-exported here as
 * `proxy` so the UI need not import comlink itself.
 */
export function connectVault(): VaultConnection {
  const worker = new Worker(new URL('../workers/vault.worker.ts', import.meta.url), { type: 'module', name: 'vault' });
  const vault = Comlink.wrap<VaultApi>(worker);
  return {
    vault,
    close() {
      vault[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

export const proxy = Comlink.proxy;
