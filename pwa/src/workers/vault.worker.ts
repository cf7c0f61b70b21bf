// The vault worker: owns every key and runs all crypto, DICOM parsing and
// IndexedDB work off the UI thread (DESIGN.md §7). The UI reaches it through
// connectVault() in pwa/src/vault.
import * as Comlink from 'comlink';
import { openKuraDb } from '../db/index.ts';
import { createVault } from '../vault/create-vault.ts';
import { encryptorHere, encryptorIn, type FileEncryptor } from '../vault/file-encryptor.ts';

const storage = typeof navigator !== 'undefined' && 'storage' in navigator ? navigator.storage : null;

/**
 * Imports encrypt in a worker of their own, started at the first import:
 * this thread meanwhile parses the next files and stores the last batch.
 * Where a worker cannot start workers, here.
 */
let encrypting: FileEncryptor | null = null;
const encryptor: FileEncryptor = {
  encrypt(docKey, blobId, bytes) {
    encrypting ??=
      typeof Worker === 'undefined'
        ? encryptorHere()
        : encryptorIn(new Worker(new URL('./encrypt.worker.ts', import.meta.url), { type: 'module', name: 'encrypt' }));
    return encrypting.encrypt(docKey, blobId, bytes);
  },
  close() {
    encrypting?.close();
    encrypting = null;
  },
};

const vault = createVault({
  db: openKuraDb(),
  fetch: (input, init) => fetch(input, init),
  storage,
  deviceLabel: describeBrowser(),
  encryptor,
});

/** A label for the facility's device list, e.g. "Chrome on Windows". */
function describeBrowser(): string {
  const ua = typeof navigator !== 'undefined' ? navigator.userAgent : '';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Windows/.test(ua) ? 'Windows' : /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}

/** A decrypted file moves to the UI thread instead of being copied: images and PDFs run to megabytes. */
function transferred(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  return Comlink.transfer(whole, [whole.buffer]);
}

Comlink.expose({
  ...vault,
  async readInstanceBytes(studyId: string, sopInstanceUid: string): Promise<Uint8Array> {
    return transferred(await vault.readInstanceBytes(studyId, sopInstanceUid));
  },
  async readDocumentFile(studyId: string, documentId: string, fileIndex: number): Promise<Uint8Array> {
    return transferred(await vault.readDocumentFile(studyId, documentId, fileIndex));
  },
});
