// better-sqlite3 returns BLOB columns as Buffers. Rows leave the store as
// plain Uint8Arrays, the contract's type, so every adapter returns the same
// shape and rows compare equal in tests and across adapters.

/** A plain Uint8Array over a BLOB column's Buffer: a view when the Buffer owns its memory, else a copy. */
export function toBytes(blob: Buffer): Uint8Array {
  // A Buffer may be a slice of Node's shared pool; a view of it would expose
  // its neighbours through .buffer, so only a Buffer that owns all of its
  // ArrayBuffer is viewed in place.
  if (blob.byteOffset === 0 && blob.byteLength === blob.buffer.byteLength) {
    return new Uint8Array(blob.buffer, 0, blob.byteLength);
  }
  return new Uint8Array(blob);
}

export function toBytesOrNull(blob: Buffer | null): Uint8Array | null {
  return blob === null ? null : toBytes(blob);
}

/** Byte-wise equality. Used on record bytes and public hashes, never on secrets, so it need not run in constant time. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
