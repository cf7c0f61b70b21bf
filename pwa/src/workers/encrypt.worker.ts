// The vault's helper for imports: encrypts files handed over by the vault
// worker, so its own thread parses and stores meanwhile (DESIGN.md §7). It
// holds a study key only while encrypting with it.
import * as Comlink from 'comlink';
import type { DocumentKey } from '../../../crypto/index.ts';
import { encryptFileParts, type EncryptWorkerApi } from '../vault/file-encryptor.ts';

const api: EncryptWorkerApi = {
  async encrypt(docKey, blobId, bytes) {
    try {
      const parts = await encryptFileParts(docKey as DocumentKey, blobId, bytes);
      return Comlink.transfer(
        parts,
        parts.map((p) => p.bytes.buffer as ArrayBuffer),
      );
    } finally {
      docKey.fill(0);
    }
  },
};

Comlink.expose(api);
