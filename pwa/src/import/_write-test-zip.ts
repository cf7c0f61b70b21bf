// Builds ZIP archives for the tests, including the variants readers get
// wrong: ZIP64, data descriptors, names in either encoding, data prepended,
// and deliberately broken ones. Checksums come from node:zlib, not from the
// reader's own CRC-32, so a wrong table there cannot hide.

import { crc32 } from 'node:zlib';

export interface TestZipEntry {
  /** A string is written as UTF-8; bytes as they are (for CP437 names). */
  name: string | Uint8Array;
  /** Absent for a folder entry (its name should end with '/'). */
  data?: Uint8Array | string;
  method?: 'store' | 'deflate';
  /** Sets flag bit 11; by default set when a string name is not ASCII. */
  utf8?: boolean;
  /** Sizes and CRC after the data instead of in the local header (flag bit 3). */
  dataDescriptor?: boolean;
  /** Sets flag bit 0 only; the data stays readable, as a reader must not try. */
  encrypted?: boolean;
  /** Written instead of the real CRC-32. */
  crc32?: number;
  /** Written instead of the real method number. */
  methodCode?: number;
  /** Extra fields appended in the central header. */
  centralExtra?: Uint8Array;
}

export interface TestZipOptions {
  /** Every size and offset through ZIP64 extra fields and the ZIP64 end records. */
  zip64?: boolean;
  comment?: string;
  /** Bytes before the archive, offsets left unadjusted (a self-extractor stub). */
  prefix?: Uint8Array;
}

const encoder = new TextEncoder();

export async function writeTestZip(entries: readonly TestZipEntry[], options: TestZipOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  const zip64 = options.zip64 ?? false;
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const push = (bytes: Uint8Array): void => {
    parts.push(bytes);
    offset += bytes.length;
  };

  for (const entry of entries) {
    const name = typeof entry.name === 'string' ? encoder.encode(entry.name) : entry.name;
    const data = typeof entry.data === 'string' ? encoder.encode(entry.data) : entry.data ?? new Uint8Array(0);
    const deflate = entry.method === 'deflate';
    const stored = deflate ? await deflateRaw(data) : data;
    const crc = entry.crc32 ?? crc32(data);
    const method = entry.methodCode ?? (deflate ? 8 : 0);
    const utf8 = entry.utf8 ?? (typeof entry.name === 'string' && /[^\x00-\x7f]/.test(entry.name));
    const flags = (entry.encrypted ? 1 : 0) | (entry.dataDescriptor ? 8 : 0) | (utf8 ? 0x800 : 0);
    const headerOffset = offset;

    const localExtra = zip64 ? field(0x0001, u64(data.length), u64(stored.length)) : new Uint8Array(0);
    const local = new Writer();
    local.u32(0x04034b50).u16(zip64 ? 45 : 20).u16(flags).u16(method).u16(0).u16(0x21);
    if (entry.dataDescriptor) local.u32(0).u32(zip64 ? 0xffffffff : 0).u32(zip64 ? 0xffffffff : 0);
    else local.u32(crc).u32(zip64 ? 0xffffffff : stored.length).u32(zip64 ? 0xffffffff : data.length);
    local.u16(name.length).u16(localExtra.length).bytes(name).bytes(localExtra);
    push(local.done());
    push(stored);
    if (entry.dataDescriptor) {
      const descriptor = new Writer().u32(0x08074b50).u32(crc);
      if (zip64) descriptor.u64(stored.length).u64(data.length);
      else descriptor.u32(stored.length).u32(data.length);
      push(descriptor.done());
    }

    const centralZip64 = zip64 ? field(0x0001, u64(data.length), u64(stored.length), u64(headerOffset)) : new Uint8Array(0);
    const extra = concat([centralZip64, entry.centralExtra ?? new Uint8Array(0)]);
    central.push(
      new Writer()
        .u32(0x02014b50).u16(0x031e).u16(zip64 ? 45 : 20).u16(flags).u16(method).u16(0).u16(0x21)
        .u32(crc).u32(zip64 ? 0xffffffff : stored.length).u32(zip64 ? 0xffffffff : data.length)
        .u16(name.length).u16(extra.length).u16(0).u16(0).u16(0).u32(0)
        .u32(zip64 ? 0xffffffff : headerOffset)
        .bytes(name).bytes(extra)
        .done(),
    );
  }

  const cdOffset = offset;
  for (const header of central) push(header);
  const cdSize = offset - cdOffset;
  if (zip64) {
    const recordOffset = offset;
    push(new Writer().u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0)
      .u64(entries.length).u64(entries.length).u64(cdSize).u64(cdOffset).done());
    push(new Writer().u32(0x07064b50).u32(0).u64(recordOffset).u32(1).done());
  }
  const comment = encoder.encode(options.comment ?? '');
  push(
    new Writer()
      .u32(0x06054b50).u16(0).u16(0)
      .u16(zip64 ? 0xffff : entries.length).u16(zip64 ? 0xffff : entries.length)
      .u32(zip64 ? 0xffffffff : cdSize).u32(zip64 ? 0xffffffff : cdOffset)
      .u16(comment.length).bytes(comment)
      .done(),
  );
  return concat([options.prefix ?? new Uint8Array(0), ...parts]);
}

async function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** An extra field (APPNOTE §4.5.1). */
export function field(id: number, ...values: Uint8Array[]): Uint8Array {
  const body = concat(values);
  return concat([new Writer().u16(id).u16(body.length).done(), body]);
}

function u64(value: number): Uint8Array {
  return new Writer().u64(value).done();
}

export function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

class Writer {
  private readonly chunks: number[] = [];
  u16(value: number): this {
    this.chunks.push(value & 0xff, (value >>> 8) & 0xff);
    return this;
  }
  u32(value: number): this {
    return this.u16(value & 0xffff).u16((value >>> 16) & 0xffff);
  }
  u64(value: number): this {
    return this.u32(value % 2 ** 32).u32(Math.floor(value / 2 ** 32));
  }
  bytes(bytes: Uint8Array): this {
    for (const byte of bytes) this.chunks.push(byte);
    return this;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}
