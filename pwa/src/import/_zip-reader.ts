// A ZIP reader for the import (PKWARE APPNOTE.TXT 6.3.10). It reads from a
// Blob with slice(), so only the central directory and the entries asked for
// are in memory, however large the archive. Entries that lie next to each
// other are read with one slice: in Chromium every read of a Blob is a round
// trip to the browser process, which for small entries costs more than their
// bytes.
//
//   [local header 1][data 1]([data descriptor 1]) … [central directory]
//   ([ZIP64 end of central directory record][ZIP64 locator])[end of central directory][comment]
//
// The central directory is the archive's table of contents (§4.3.12); local
// headers are read only to find where each entry's data starts, because
// their extra fields may differ from the central ones (§4.4.10). Only stored
// (0) and deflated (8) entries are read; they are what zip tools, operating
// systems and CD export software write.

import { updateCrc32 } from './_crc32.ts';
import { splitPath } from './_import-paths.ts';

/** Why an archive or one of its entries cannot be read; `message` is for people. */
export class ZipError extends Error {
  override name = 'ZipError';
}

export interface ZipEntry {
  /** '/'-separated path inside the archive, or the name as stored when `problem` refuses it. */
  readonly path: string;
  readonly isDirectory: boolean;
  readonly flags: number;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Where the local header starts in the Blob (archives with data prepended already accounted for). */
  readonly localHeaderOffset: number;
  /**
   * Where its local header, data and data descriptor end at the latest: the
   * next entry's local header or the central directory, and never further
   * than the longest header and descriptor allow.
   */
  readonly spanEnd: number;
  /** Why this entry cannot be read, or null. */
  readonly problem: string | null;
}

export interface ZipListing {
  readonly entries: ZipEntry[];
  /** Why the listing is incomplete (the archive is damaged or cut short), or null. */
  readonly problem: string | null;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;

const FLAG_ENCRYPTED = 0x0001;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;

const LOCAL_HEADER_LENGTH = 30;
/** A local header with the longest name and extra field (§4.3.7). */
const MAX_LOCAL_HEADER = LOCAL_HEADER_LENGTH + 0xffff + 0xffff;
/** Signature, CRC-32 and two ZIP64 sizes (§4.3.9). */
const MAX_DATA_DESCRIPTOR = 24;
const EOCD_LENGTH = 22;
const LOCATOR_LENGTH = 20;
const ZIP64_EOCD_LENGTH = 56;
const MAX_COMMENT = 0xffff;

/** Deflate cannot expand data more than about 1032:1 (RFC 1951 block limits); more means a lying header. */
const MAX_DEFLATE_RATIO = 1032;

const CUT_SHORT = 'the archive is incomplete (cut short); was the download or copy interrupted?';

/** The central directory's entries. @throws ZipError when the archive cannot be read at all. */
export async function listZipEntries(blob: Blob): Promise<ZipListing> {
  const end = await findEndOfCentralDirectory(blob);
  if (end === null) return scanLocalHeaders(blob);

  const { cdOffset, cdSize } = end;
  // Self-extracting archives and some CD authoring tools put data before the
  // archive without fixing its offsets: the directory then sits `shift`
  // bytes later than it says (§4.3.16 offsets are from the start of the archive).
  let shift = 0;
  const expectedEnd = cdOffset + cdSize;
  if (expectedEnd < end.directoryEnd && !(await hasSignature(blob, cdOffset, CENTRAL_HEADER))) {
    shift = end.directoryEnd - expectedEnd;
  } else if (expectedEnd > blob.size) {
    throw new ZipError(CUT_SHORT);
  }

  const cd = await readBytes(blob, cdOffset + shift, cdSize);
  if (cd.length < cdSize) throw new ZipError(CUT_SHORT);
  const view = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries: ListedEntry[] = [];
  let p = 0;
  while (p + 46 <= cd.length && view.getUint32(p, true) === CENTRAL_HEADER) {
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > cd.length) break;
    const flags = view.getUint16(p + 8, true);
    const name = cd.subarray(p + 46, p + 46 + nameLength);
    const extra = readExtraFields(cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    const zip64 = readZip64Sizes(extra.get(0x0001), {
      size: view.getUint32(p + 24, true),
      compressedSize: view.getUint32(p + 20, true),
      localHeaderOffset: view.getUint32(p + 42, true),
    });
    entries.push(
      toEntry(decodeName(name, flags, extra.get(0x7075)), {
        flags,
        method: view.getUint16(p + 10, true),
        crc32: view.getUint32(p + 16, true),
        compressedSize: zip64.compressedSize,
        size: zip64.size,
        localHeaderOffset: zip64.localHeaderOffset + shift,
      }),
    );
    p = next;
  }
  // Trailing bytes after every stated entry are harmless; stopping short of them is not.
  const complete = p === cd.length || entries.length >= end.entryCount;
  return {
    entries: withSpanEnds(entries, cdOffset + shift, blob.size),
    problem: complete ? null : "the archive's table of contents is damaged; some files in it could not be listed",
  };
}

interface EndOfCentralDirectory {
  cdOffset: number;
  cdSize: number;
  entryCount: number;
  /** Where the central directory must end: at the (ZIP64) end record. */
  directoryEnd: number;
}

/** §4.3.16: the end record is the last thing in the file but for a comment of up to 64 KiB, so search backwards. */
async function findEndOfCentralDirectory(blob: Blob): Promise<EndOfCentralDirectory | null> {
  const tailStart = Math.max(0, blob.size - (EOCD_LENGTH + MAX_COMMENT + LOCATOR_LENGTH));
  const tail = await readBytes(blob, tailStart, blob.size - tailStart);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  // A comment may itself hold "PK\5\6"; the real record's comment length
  // reaches exactly to the end. Failing that, accept one followed by junk
  // (some tools pad archives).
  let found = -1;
  let loose = -1;
  for (let i = tail.length - EOCD_LENGTH; i >= 0; i--) {
    if (view.getUint32(i, true) !== END_OF_CENTRAL_DIRECTORY) continue;
    const commentEnd = i + EOCD_LENGTH + view.getUint16(i + 20, true);
    if (commentEnd === tail.length) {
      found = i;
      break;
    }
    if (loose < 0 && commentEnd < tail.length) loose = i;
  }
  if (found < 0) found = loose;
  if (found < 0) return null;

  const disk = view.getUint16(found + 4, true);
  const cdDisk = view.getUint16(found + 6, true);
  let entryCount = view.getUint16(found + 10, true);
  let cdSize = view.getUint32(found + 12, true);
  let cdOffset = view.getUint32(found + 16, true);
  let directoryEnd = tailStart + found;

  const locator = found - LOCATOR_LENGTH;
  if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR) {
    if (view.getUint32(locator + 16, true) > 1) throw new ZipError(SPLIT);
    const locatorAt = tailStart + locator;
    // The record normally sits right before the locator; look there too when
    // the stated offset is wrong because data was prepended.
    let recordAt = readUint64(view, locator + 8);
    if (!(await hasSignature(blob, recordAt, ZIP64_END_OF_CENTRAL_DIRECTORY))) recordAt = locatorAt - ZIP64_EOCD_LENGTH;
    const record = await readBytes(blob, recordAt, ZIP64_EOCD_LENGTH);
    const r = new DataView(record.buffer, record.byteOffset, record.byteLength);
    if (record.length < ZIP64_EOCD_LENGTH || r.getUint32(0, true) !== ZIP64_END_OF_CENTRAL_DIRECTORY) {
      throw new ZipError("the archive is damaged: its ZIP64 end record is missing");
    }
    if (r.getUint32(16, true) !== 0 || r.getUint32(20, true) !== 0) throw new ZipError(SPLIT);
    entryCount = readUint64(r, 32);
    cdSize = readUint64(r, 40);
    cdOffset = readUint64(r, 48);
    directoryEnd = recordAt;
  } else if (disk !== 0 || cdDisk !== 0) {
    throw new ZipError(SPLIT);
  }
  return { cdOffset, cdSize, entryCount, directoryEnd };
}

const SPLIT = 'the archive is split into several parts (.z01, .z02, …); join them into one ZIP file and import that';

/**
 * For an archive whose end is missing (a download cut short): walks the
 * local headers from the start and lists every entry whose data is all
 * there. It stops at an entry written with a data descriptor (§4.3.9): its
 * sizes come only after its data, so where it ends is unknown.
 */
async function scanLocalHeaders(blob: Blob): Promise<ZipListing> {
  const entries: ListedEntry[] = [];
  let offset = 0;
  for (;;) {
    const header = await readBytes(blob, offset, 30);
    if (header.length < 30) break;
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    if (view.getUint32(0, true) !== LOCAL_HEADER) break;
    const flags = view.getUint16(6, true);
    const nameLength = view.getUint16(26, true);
    const extraLength = view.getUint16(28, true);
    if (flags & FLAG_DATA_DESCRIPTOR) break;
    const variable = await readBytes(blob, offset + 30, nameLength + extraLength);
    if (variable.length < nameLength + extraLength) break;
    const extra = readExtraFields(variable.subarray(nameLength));
    const sizes = readZip64Sizes(extra.get(0x0001), {
      size: view.getUint32(22, true),
      compressedSize: view.getUint32(18, true),
      localHeaderOffset: offset,
    });
    const dataEnd = offset + 30 + nameLength + extraLength + sizes.compressedSize;
    if (dataEnd > blob.size) break;
    entries.push(
      toEntry(decodeName(variable.subarray(0, nameLength), flags, extra.get(0x7075)), {
        flags,
        method: view.getUint16(8, true),
        crc32: view.getUint32(14, true),
        compressedSize: sizes.compressedSize,
        size: sizes.size,
        localHeaderOffset: offset,
      }),
    );
    offset = dataEnd;
  }
  if (entries.length === 0) {
    throw new ZipError(
      (await hasSignature(blob, 0, LOCAL_HEADER)) ? CUT_SHORT : 'it is not a ZIP archive, or is damaged beyond reading',
    );
  }
  return {
    entries: withSpanEnds(entries, offset, blob.size),
    problem: `${CUT_SHORT} Only the ${entries.length} file(s) before the cut could be read.`,
  };
}

type ListedEntry = Omit<ZipEntry, 'spanEnd'>;

/**
 * Bounds each entry by what follows it in the archive: the next local header
 * (in offset order, which the central directory need not follow), or
 * `entriesEnd` where the entries stop. The cap by the longest header and
 * descriptor an entry can have keeps a gap of bytes no entry lists (a
 * crafted archive) out of the reads.
 */
function withSpanEnds(entries: readonly ListedEntry[], entriesEnd: number, blobSize: number): ZipEntry[] {
  const bounds = [...new Set([...entries.map((entry) => entry.localHeaderOffset), entriesEnd])].sort((a, b) => a - b);
  return entries.map((entry) => {
    const start = entry.localHeaderOffset;
    // The first bound past the entry's start (binary search).
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bounds[mid]! <= start) lo = mid + 1;
      else hi = mid;
    }
    const next = lo < bounds.length ? bounds[lo]! : blobSize;
    return { ...entry, spanEnd: Math.min(next, blobSize, start + MAX_LOCAL_HEADER + entry.compressedSize + MAX_DATA_DESCRIPTOR) };
  });
}

interface EntryFields {
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

function toEntry(name: string, fields: EntryFields): ListedEntry {
  const isDirectory = /[/\\]$/.test(name);
  const parts = splitPath(name);
  // Drive letters and leading slashes make a path absolute; inside an archive they mean nothing.
  if (parts.length > 0 && /^[A-Za-z]:$/.test(parts[0]!)) parts.shift();
  let problem: string | null = null;
  if (parts.includes('..')) {
    // "Zip slip": a path that climbs out of the archive is how crafted archives
    // overwrite files elsewhere; no honest tool writes one.
    problem = `its path ${JSON.stringify(name)} points outside the archive ('..'), so it was refused`;
  } else if (fields.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) {
    problem = 'it is password-protected; extract the archive with its password and import the folder instead';
  } else if (fields.method !== 0 && fields.method !== 8) {
    problem = `it is compressed with ${methodName(fields.method)}, which cannot be opened here; extract the archive and import the folder instead`;
  }
  return { ...fields, path: problem && parts.includes('..') ? name : parts.join('/'), isDirectory, problem };
}

function methodName(method: number): string {
  const names: Record<number, string> = {
    1: 'Shrink', 6: 'Implode', 9: 'Deflate64', 12: 'bzip2', 14: 'LZMA', 19: 'IBM LZ77', 93: 'Zstandard', 95: 'XZ', 98: 'PPMd', 99: 'AES encryption',
  };
  const known = names[method];
  return known ? `${known} (method ${method})` : `an unknown method (${method})`;
}

/**
 * Reads entries that lie near each other in the archive (the caller keeps
 * them within a few MB) with one slice covering all of them, then unpacks
 * each and checks its size and CRC-32 (§4.4.7), so damage is reported rather
 * than handed on as a broken image. Returns, in the order given, each
 * entry's bytes or why it cannot be read: a ZipError with a reason for
 * people, or the Blob's own error (a file removed since it was picked).
 * Never rejects.
 *
 * A stored entry's bytes are a view into the slice read for all of them.
 */
export async function readZipEntries(blob: Blob, entries: readonly ZipEntry[]): Promise<(Uint8Array<ArrayBuffer> | Error)[]> {
  const readable = entries.filter((entry) => !entry.problem);
  let span: ReadSpan = { start: 0, bytes: new Uint8Array(0) };
  if (readable.length > 0) {
    const start = readable.reduce((min, entry) => Math.min(min, entry.localHeaderOffset), Infinity);
    const end = readable.reduce((max, entry) => Math.max(max, entry.spanEnd), 0);
    try {
      span = { start, bytes: await readBytes(blob, start, end - start) };
    } catch (error) {
      return entries.map((entry) => (entry.problem ? new ZipError(entry.problem) : asError(error)));
    }
  }
  return Promise.all(entries.map((entry) => unpackEntry(blob, span, entry).catch(asError)));
}

/** Bytes read from the Blob, starting at `start`. */
interface ReadSpan {
  start: number;
  bytes: Uint8Array<ArrayBuffer>;
}

async function unpackEntry(blob: Blob, span: ReadSpan, entry: ZipEntry): Promise<Uint8Array<ArrayBuffer>> {
  if (entry.problem) throw new ZipError(entry.problem);
  // From the span read for the run where the bytes lie in it; an entry whose
  // local header is longer than the space the directory leaves it
  // (overlapping entries, a crafted archive) is read from the Blob.
  const bytesAt = (offset: number, length: number): Promise<Uint8Array<ArrayBuffer>> | Uint8Array<ArrayBuffer> => {
    const from = offset - span.start;
    return from >= 0 && from + length <= span.bytes.length ? span.bytes.subarray(from, from + length) : readBytes(blob, offset, length);
  };
  const header = await bytesAt(entry.localHeaderOffset, LOCAL_HEADER_LENGTH);
  if (header.length < LOCAL_HEADER_LENGTH) throw new ZipError(CUT_SHORT);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (view.getUint32(0, true) !== LOCAL_HEADER) throw new ZipError(damaged('its header is not where the table of contents says'));
  const dataStart = entry.localHeaderOffset + LOCAL_HEADER_LENGTH + view.getUint16(26, true) + view.getUint16(28, true);
  if (dataStart + entry.compressedSize > blob.size) throw new ZipError(CUT_SHORT);
  const compressed = await bytesAt(dataStart, entry.compressedSize);
  let bytes: Uint8Array<ArrayBuffer>;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw new ZipError(damaged('its stored and unpacked sizes differ'));
    bytes = compressed;
  } else {
    bytes = await inflate(compressed, entry);
  }
  if (updateCrc32(0, bytes) !== entry.crc32) throw new ZipError(damaged('its checksum (CRC-32) does not match'));
  return bytes;
}

async function inflate(compressed: Uint8Array<ArrayBuffer>, entry: ZipEntry): Promise<Uint8Array<ArrayBuffer>> {
  if (entry.size > entry.compressedSize * MAX_DEFLATE_RATIO + 1024) {
    throw new ZipError(damaged(`it claims to unpack to ${entry.size} bytes, more than its ${entry.compressedSize} compressed bytes can hold`));
  }
  // The size is known from the directory, so the output goes straight into one buffer.
  const out = new Uint8Array(entry.size);
  let filled = 0;
  const inflater = new DecompressionStream('deflate-raw');
  const writer = inflater.writable.getWriter();
  // Corrupt data fails the reader below too, which reports it.
  writer.write(compressed).then(() => writer.close()).catch(() => {});
  const reader = inflater.readable.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (filled + value.length > out.length) {
        throw new ZipError(damaged(`it unpacks to more than the ${entry.size} bytes the archive states`));
      }
      out.set(value, filled);
      filled += value.length;
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    if (error instanceof ZipError) throw error;
    throw new ZipError(damaged('its compressed data is corrupt'));
  }
  if (filled !== out.length) {
    throw new ZipError(damaged(`it unpacks to ${filled} bytes where the archive states ${entry.size}`));
  }
  return out;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function damaged(detail: string): string {
  return `the archive is damaged: ${detail}`;
}

// ---------------------------------------------------------------------------
// Fields

/** §4.5: extra fields are (id, length, data) triples; a malformed tail is ignored. */
function readExtraFields(bytes: Uint8Array): Map<number, Uint8Array> {
  const fields = new Map<number, Uint8Array>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let p = 0; p + 4 <= bytes.length; ) {
    const id = view.getUint16(p, true);
    const length = view.getUint16(p + 2, true);
    if (p + 4 + length > bytes.length) break;
    if (!fields.has(id)) fields.set(id, bytes.subarray(p + 4, p + 4 + length));
    p += 4 + length;
  }
  return fields;
}

interface Sizes {
  size: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/**
 * §4.5.3: the ZIP64 extra field holds 8-byte values for exactly those of
 * size, compressed size and local header offset (in that order) whose
 * 4-byte fields are 0xFFFFFFFF.
 */
function readZip64Sizes(field: Uint8Array | undefined, sizes: Sizes): Sizes {
  if (!field) return sizes;
  const view = new DataView(field.buffer, field.byteOffset, field.byteLength);
  const result = { ...sizes };
  let p = 0;
  for (const key of ['size', 'compressedSize', 'localHeaderOffset'] as const) {
    if (sizes[key] !== 0xffffffff) continue;
    if (p + 8 > field.length) break;
    result[key] = readUint64(view, p);
    p += 8;
  }
  return result;
}

function readUint64(view: DataView, offset: number): number {
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError(damaged('it states an impossible size or offset'));
  return Number(value);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF8_LENIENT = new TextDecoder('utf-8');

// IBM code page 437, 0x80–0xFF: what §4.4.4 says unflagged names use.
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

export function decodeCp437(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
  return text;
}

/**
 * Flag bit 11 means UTF-8 (§4.4.4, Appendix D). Without it the name is
 * CP437 by the letter of the spec, but macOS, 7-Zip and current Windows
 * write UTF-8 without setting the flag; a name that is valid UTF-8 and not
 * plain ASCII almost never is CP437 text, so it is read as UTF-8. Info-ZIP's
 * Unicode Path field (0x7075, Appendix D.4) wins when it matches the name.
 */
function decodeName(raw: Uint8Array, flags: number, unicodePath: Uint8Array | undefined): string {
  if (flags & FLAG_UTF8) return UTF8_LENIENT.decode(raw);
  if (unicodePath && unicodePath.length >= 5 && unicodePath[0] === 1) {
    const view = new DataView(unicodePath.buffer, unicodePath.byteOffset, unicodePath.byteLength);
    if (view.getUint32(1, true) === updateCrc32(0, raw)) return UTF8_LENIENT.decode(unicodePath.subarray(5));
  }
  if (raw.every((b) => b < 0x80)) return decodeCp437(raw);
  try {
    return UTF8.decode(raw);
  } catch {
    return decodeCp437(raw);
  }
}

// ---------------------------------------------------------------------------
// Blob access

async function readBytes(blob: Blob, offset: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
  if (offset >= blob.size || length <= 0) return new Uint8Array(0);
  return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
}

async function hasSignature(blob: Blob, offset: number, signature: number): Promise<boolean> {
  const bytes = await readBytes(blob, offset, 4);
  return bytes.length === 4 && new DataView(bytes.buffer).getUint32(0, true) === signature;
}

/** Whether the bytes start like a ZIP archive (a local header, or the end record of an empty one). */
export function startsLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}
