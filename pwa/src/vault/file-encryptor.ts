// Encrypting an imported file: the file as a blob stream under its study's
// key (crypto's encryptBlobStream), cut into addressed 1 MiB parts. The
// vault does it on its own thread, or hands it to a worker of its own
// (workers/encrypt.worker.ts) so that parsing the next file and storing the
// last batch go on beside it.
import * as Comlink from 'comlink';
import { encryptBlobStream, splitIntoParts, type DocumentKey, type RandomSource } from '../../../crypto/index.ts';

export interface EncryptedPart {
  address: string;
  /** A whole buffer of its own (IndexedDB would store all of a view's buffer). */
  bytes: Uint8Array;
}

export interface FileEncryptor {
  /** The file's ciphertext parts, in order. `bytes` is not kept; the encryptor may take it (transfer it away). */
  encrypt(docKey: DocumentKey, blobId: string, bytes: Uint8Array): Promise<EncryptedPart[]>;
  /** Ends a worker, if there is one. */
  close(): void;
}

/** Encrypts a file here: what both the vault's own thread and the encrypt worker run. */
export async function encryptFileParts(docKey: DocumentKey, blobId: string, bytes: Uint8Array, rng?: RandomSource): Promise<EncryptedPart[]> {
  const parts: EncryptedPart[] = [];
  const stream = encryptBlobStream(docKey, blobId, { size: bytes.length, chunks: [bytes] }, { rng });
  for await (const part of splitIntoParts(stream)) {
    const own = part.bytes.byteOffset === 0 && part.bytes.byteLength === part.bytes.buffer.byteLength ? part.bytes : part.bytes.slice();
    parts.push({ address: part.address, bytes: own });
  }
  return parts;
}

/** Encrypts on the calling thread (tests, and where workers cannot start workers). */
export function encryptorHere(rng?: RandomSource): FileEncryptor {
  return { encrypt: (docKey, blobId, bytes) => encryptFileParts(docKey, blobId, bytes, rng), close() {} };
}

/** What workers/encrypt.worker.ts exposes. */
export interface EncryptWorkerApi {
  encrypt(docKey: Uint8Array, blobId: string, bytes: Uint8Array): Promise<EncryptedPart[]>;
}

/**
 * Encrypts in a worker: the file's bytes move there (a copy of just the file
 * when they are a view into a larger buffer, as the import's grouped reads
 * give them), and the parts move back, neither copied by postMessage.
 */
export function encryptorIn(worker: Worker): FileEncryptor {
  const remote = Comlink.wrap<EncryptWorkerApi>(worker);
  return {
    async encrypt(docKey, blobId, bytes) {
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
      // The key is copied, not moved: the vault keeps using it.
      return remote.encrypt(docKey.slice(), blobId, Comlink.transfer(own, [own.buffer]));
    },
    close() {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
