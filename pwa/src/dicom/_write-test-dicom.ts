// A minimal DICOM writer for tests: builds small files in the layouts the
// readers accept, so every path is tested without the shared corpus. Not used
// by the app (nothing in index.ts reaches it).

export type TestEncoding = 'explicit-le' | 'implicit-le' | 'explicit-be';

export interface TestElement {
  /** e.g. 0x00100010 */
  readonly tag: number;
  readonly vr: string;
  /** Text is written byte for byte (each char code must be < 256); use bytes for anything else. */
  readonly value: string | Uint8Array | number | readonly TestItem[];
}

/** A sequence item: its elements, and whether it is written with undefined length. */
export interface TestItem {
  readonly elements: readonly TestElement[];
  readonly undefinedLength?: boolean;
}

export interface TestFileOptions {
  /** Write the 128-byte preamble and "DICM" (default true; only with a meta header). */
  readonly preamble?: boolean;
  /** The File Meta Information; omit for a bare data set. */
  readonly meta?: { readonly transferSyntaxUid: string; readonly sopClassUid?: string; readonly sopInstanceUid?: string };
  readonly encoding?: TestEncoding;
}

const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** Writes a file: optional preamble, optional meta group (explicit VR LE), then the data set. */
export function writeTestDicom(elements: readonly TestElement[], options: TestFileOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  if (options.meta) {
    if (options.preamble ?? true) {
      parts.push(new Uint8Array(128), new Uint8Array([0x44, 0x49, 0x43, 0x4d]));
    }
    const metaBody = writeElements(
      [
        { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
        { tag: 0x00020002, vr: 'UI', value: options.meta.sopClassUid ?? '1.2.840.10008.5.1.4.1.1.7' },
        { tag: 0x00020003, vr: 'UI', value: options.meta.sopInstanceUid ?? '1.2.3.4' },
        { tag: 0x00020010, vr: 'UI', value: options.meta.transferSyntaxUid },
      ],
      'explicit-le',
    );
    parts.push(writeElements([{ tag: 0x00020000, vr: 'UL', value: metaBody.length }], 'explicit-le'), metaBody);
  }
  parts.push(writeElements(elements, options.encoding ?? 'explicit-le'));
  return concat(parts);
}

/** Writes data set elements in the given encoding. */
export function writeElements(elements: readonly TestElement[], encoding: TestEncoding): Uint8Array {
  return concat(elements.map((element) => writeElement(element, encoding)));
}

function writeElement(element: TestElement, encoding: TestEncoding): Uint8Array {
  const littleEndian = encoding !== 'explicit-be';
  const value = encodeValue(element, encoding);
  const undefinedLength = value === null;
  const body = value ?? encodeUndefinedLengthSequence(element, encoding);
  const length = undefinedLength ? 0xffffffff : body.length;
  const header: number[] = [];
  const u16 = (n: number): void => {
    if (littleEndian) header.push(n & 0xff, n >>> 8);
    else header.push(n >>> 8, n & 0xff);
  };
  const u32 = (n: number): void => {
    if (littleEndian) header.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
    else header.push(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  };
  u16(element.tag >>> 16);
  u16(element.tag & 0xffff);
  if (encoding === 'implicit-le') {
    u32(length);
  } else if (LONG_LENGTH_VRS.has(element.vr)) {
    header.push(element.vr.charCodeAt(0), element.vr.charCodeAt(1), 0, 0);
    u32(length);
  } else {
    header.push(element.vr.charCodeAt(0), element.vr.charCodeAt(1));
    u16(length);
  }
  return concat([new Uint8Array(header), body]);
}

/** The value bytes, padded to even length (PS3.5 §7.1.1); null for a sequence of undefined length. */
function encodeValue(element: TestElement, encoding: TestEncoding): Uint8Array | null {
  const { value, vr } = element;
  if (Array.isArray(value)) {
    const items = value as readonly TestItem[];
    if (items.some((item) => item.undefinedLength)) return null;
    return concat(items.map((item) => writeItem(item, encoding)));
  }
  if (typeof value === 'number') {
    const bytes = new Uint8Array(vr === 'US' ? 2 : 4);
    const view = new DataView(bytes.buffer);
    if (vr === 'US') view.setUint16(0, value, encoding !== 'explicit-be');
    else view.setUint32(0, value, encoding !== 'explicit-be');
    return bytes;
  }
  const raw = typeof value === 'string' ? Uint8Array.from(value, (c) => c.charCodeAt(0)) : (value as Uint8Array);
  if (raw.length % 2 === 0) return raw;
  const padded = new Uint8Array(raw.length + 1);
  padded.set(raw);
  padded[raw.length] = vr === 'UI' || vr === 'OB' || vr === 'UN' ? 0x00 : 0x20;
  return padded;
}

function encodeUndefinedLengthSequence(element: TestElement, encoding: TestEncoding): Uint8Array {
  const items = element.value as readonly TestItem[];
  return concat([...items.map((item) => writeItem(item, encoding)), delimiter(0xe0dd, encoding)]);
}

function writeItem(item: TestItem, encoding: TestEncoding): Uint8Array {
  const body = writeElements(item.elements, encoding);
  const header = itemHeader(0xe000, item.undefinedLength ? 0xffffffff : body.length, encoding);
  return item.undefinedLength ? concat([header, body, delimiter(0xe00d, encoding)]) : concat([header, body]);
}

/** Item tags are written in the data set's byte order (PS3.5 §7.5). */
function itemHeader(element: number, length: number, encoding: TestEncoding): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  const le = encoding !== 'explicit-be';
  view.setUint16(0, 0xfffe, le);
  view.setUint16(2, element, le);
  view.setUint32(4, length, le);
  return bytes;
}

function delimiter(element: number, encoding: TestEncoding): Uint8Array {
  return itemHeader(element, 0, encoding);
}

/** The byte length an item will take, for tests that must know offsets before writing. */
export function itemLength(item: TestItem, encoding: TestEncoding = 'explicit-le'): number {
  return writeItem(item, encoding).length;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.trim().split(/\s+/), (byte) => parseInt(byte, 16));
}
