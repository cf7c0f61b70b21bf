import type { BlobPartRow, KuraDb, PartPageRow } from './kura-db.ts';

/** A page holds parts up to this many bytes together (a 1 MiB part fills one alone). */
export const PAGE_BYTES = 1024 * 1024;

/**
 * Stores blob parts, packed into pages in the order given; parts already
 * stored (same address: the same ciphertext) are left as they are. Answers
 * the bytes added. Call inside a transaction over blobParts and partPages.
 */
export async function putParts(db: KuraDb, parts: readonly { address: string; bytes: Uint8Array }[]): Promise<number> {
  if (parts.length === 0) return 0;
  const present = await db.blobParts.bulkGet(parts.map((p) => p.address));
  const seen = new Set<string>();
  const fresh = parts.filter((p, i) => !present[i] && !seen.has(p.address) && seen.add(p.address));
  const pages: PartPageRow[] = [];
  const rows: BlobPartRow[] = [];
  let members: Uint8Array<ArrayBuffer>[] = [];
  let filled = 0;
  const close = () => {
    if (members.length === 0) return;
    pages.push({ bytes: new Blob(members) });
    members = [];
    filled = 0;
  };
  for (const part of fresh) {
    if (filled + part.bytes.length > PAGE_BYTES) close();
    // The page's index among those added here, replaced by its ID below.
    rows.push({ address: part.address, page: pages.length, offset: filled, length: part.bytes.length, uploaded: 0 });
    members.push(part.bytes as Uint8Array<ArrayBuffer>);
    filled += part.bytes.length;
  }
  close();
  const pageIds = (await db.partPages.bulkAdd(pages, { allKeys: true })) as number[];
  await db.blobParts.bulkAdd(rows.map((r) => ({ ...r, page: pageIds[r.page]! })));
  return fresh.reduce((n, p) => n + p.bytes.length, 0);
}

/**
 * The parts' bytes, as Blobs to read (slices of their pages, nothing read
 * yet: a file's parts are read together, and an upload sends a Blob as it
 * is); undefined for a part not on this device.
 */
export async function getParts(db: KuraDb, addresses: readonly string[]): Promise<(Blob | undefined)[]> {
  const rows = await db.blobParts.bulkGet([...addresses]);
  const pageIds = [...new Set(rows.flatMap((r) => (r ? [r.page] : [])))];
  const pages = new Map(pageIds.map((id, i) => [id, i]));
  const pageRows = await db.partPages.bulkGet(pageIds);
  return rows.map((r) => {
    const page = r && pageRows[pages.get(r.page)!];
    return page ? page.bytes.slice(r.offset, r.offset + r.length) : undefined;
  });
}

/** The bytes of parts getParts found, read in one go. */
export async function readParts(parts: readonly Blob[]): Promise<Uint8Array> {
  return new Uint8Array(await (parts.length === 1 ? parts[0]! : new Blob(parts as Blob[])).arrayBuffer());
}

/**
 * Deletes parts, and each page none of whose parts is left. Answers the
 * bytes of the parts deleted. Call inside a transaction over blobParts and
 * partPages.
 */
export async function deleteParts(db: KuraDb, addresses: readonly string[]): Promise<number> {
  const rows = (await db.blobParts.bulkGet([...addresses])).filter((r): r is BlobPartRow => r !== undefined);
  if (rows.length === 0) return 0;
  await db.blobParts.bulkDelete(rows.map((r) => r.address));
  const pageIds = [...new Set(rows.map((r) => r.page))];
  const kept = new Set((await db.blobParts.where('page').anyOf(pageIds).toArray()).map((r) => r.page));
  await db.partPages.bulkDelete(pageIds.filter((id) => !kept.has(id)));
  return rows.reduce((n, r) => n + r.length, 0);
}
