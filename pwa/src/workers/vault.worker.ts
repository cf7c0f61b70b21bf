// The vault worker: owns every key and runs all crypto, DICOM parsing and
// IndexedDB work off the UI thread (DESIGN.md §7). The UI reaches it through
// connectVault() in pwa/src/vault.
import * as Comlink from 'comlink';
import { openKuraDb } from '../db/index.ts';
import { createVault } from '../vault/create-vault.ts';

const storage = typeof navigator !== 'undefined' && 'storage' in navigator ? navigator.storage : null;

const vault = createVault({
  db: openKuraDb(),
  fetch: (input, init) => fetch(input, init),
  storage,
  deviceLabel: describeBrowser(),
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
