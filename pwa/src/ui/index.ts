// The app's screens. Everything here talks to the vault worker through the
// VaultApi contract only: no keys, no crypto, no DICOM parsing on this thread.
export { KuraApp } from './kura-app.tsx';
export type { Vault } from './vault-context.tsx';
