// Finds the File Meta Information and the main data set of a DICOM file and
// parses both with dicom-parser's element readers. dicom-parser's own
// parseDicom() is not used: it needs an explicit transfer syntax for files
// without a header, does not accept a meta header without the preamble, and
// takes only a synchronous inflater for deflated files. The element walk is
// the library's; where the data set starts and how it is encoded is decided
// here.
//
// Layouts accepted (PS3.10 §7.1):
//
//   Part 10:          [128-byte preamble]["DICM"][group 0002, explicit VR LE][data set]
//   meta, no preamble:                           [group 0002, explicit VR LE][data set]
//   bare data set:                                                           [data set]
//
// A bare data set (ACR-NEMA files, or data sets written without a header) has
// no transfer syntax; it is inferred from its first element.
//
// Nothing here copies the file: elements are offsets into the caller's bytes.
// Only a deflated data set (PS3.5 §A.5) is inflated into a new buffer.

import dicomParser from 'dicom-parser';
import type { ByteArrayParser, ByteStream, DataSet, Element } from 'dicom-parser';
import { DicomReadError } from './dicom-read-error.ts';
import { describeTag } from './_tags.ts';

const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';
const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';
/** JPIP Referenced Deflate: its data set is deflated as in 1.2.840.10008.1.2.1.99. */
const JPIP_REFERENCED_DEFLATE = '1.2.840.10008.1.2.4.95';

/** How the main data set is encoded. */
type DataSetEncoding = 'implicit-le' | 'explicit-le' | 'explicit-be' | 'deflated';

export interface ParsedDicomFile {
  /** Group 0002, or null when the file has no File Meta Information. */
  readonly meta: DataSet | null;
  /** The main data set; for a deflated file its byteArray is the inflated data set. */
  readonly dataSet: DataSet;
  /** (0002,0010) as declared, or the syntax inferred for a file without a meta header. */
  readonly transferSyntaxUid: string;
  readonly hasFileMeta: boolean;
  readonly warnings: readonly string[];
}

interface DataSetLocation {
  readonly meta: DataSet | null;
  readonly transferSyntaxUid: string;
  readonly encoding: DataSetEncoding;
  readonly offset: number;
  readonly warnings: string[];
}

/** Parses a file whose data set is not deflated; a deflated one throws `unsupported`. */
export function parseDicomFileSync(bytes: Uint8Array, fileName: string): ParsedDicomFile {
  const location = locateDataSet(bytes, fileName);
  if (location.encoding === 'deflated') {
    throw new DicomReadError(fileName, 'unsupported', 'a deflated data set can only be read asynchronously');
  }
  return finish(fileName, location, bytes, location.offset);
}

/** Thrown by parseDicomFilePrefix when the prefix cannot settle the file's tags: read all of it. */
export class NeedWholeFile extends Error {
  override name = 'NeedWholeFile';
}

const PIXEL_DATA = 'x7fe00010';

/**
 * Parses the first bytes of a file of `fileSize` bytes, up to the Pixel Data
 * element's header: the tags, without reading the pixels (most of a file).
 * Settles only the clear cases — everything before the pixel data is inside
 * the prefix — and throws NeedWholeFile for anything else (a deflated data
 * set, a header longer than the prefix, no pixel data, any parse error), so
 * the whole file then gets the full reading and its exact error messages.
 *
 * Pixel data of a defined length is checked against the file size here; for
 * encapsulated pixel data `endsWithSequenceDelimiter` asks the caller to
 * check the file's last 8 bytes, as a cut-off file does not end with one.
 */
export function parseDicomFilePrefix(
  prefix: Uint8Array,
  fileSize: number,
  fileName: string,
): { file: ParsedDicomFile; endsWithSequenceDelimiter: boolean } {
  let location: DataSetLocation;
  let dataSet: DataSet;
  try {
    location = locateDataSet(prefix, fileName);
    if (location.encoding === 'deflated' || location.meta === null) throw new NeedWholeFile();
    dataSet = parseDataSetUntilPixelData(prefix, location.offset, location.encoding);
  } catch (error) {
    if (error instanceof NeedWholeFile) throw error;
    throw new NeedWholeFile(String(error));
  }
  const pixels = dataSet.elements[PIXEL_DATA];
  if (!pixels) throw new NeedWholeFile('no pixel data within the prefix');
  for (const element of Object.values(dataSet.elements)) {
    if (element !== pixels && !(element.hadUndefinedLength && element.length === 0xffffffff) && element.dataOffset + element.length > prefix.length) {
      throw new NeedWholeFile('an element runs past the prefix');
    }
  }
  if (dataSet.warnings.length > 0) throw new NeedWholeFile('the parser noted problems');
  const encapsulated = pixels.hadUndefinedLength === true;
  if (!encapsulated && pixels.dataOffset + pixels.length > fileSize) {
    throw new DicomReadError(
      fileName,
      'truncated',
      `${describeTag(pixels.tag)} declares ${pixels.length} bytes at offset ${pixels.dataOffset}, but only ${fileSize - pixels.dataOffset} follow`,
    );
  }
  return {
    file: { meta: location.meta, dataSet, transferSyntaxUid: location.transferSyntaxUid, hasFileMeta: true, warnings: location.warnings },
    endsWithSequenceDelimiter: encapsulated,
  };
}

function parseDataSetUntilPixelData(bytes: Uint8Array, offset: number, encoding: Exclude<DataSetEncoding, 'deflated'>): DataSet {
  const parser: ByteArrayParser =
    encoding === 'explicit-be' ? dicomParser.bigEndianByteArrayParser : dicomParser.littleEndianByteArrayParser;
  const dataSet = new dicomParser.DataSet(parser, bytes, {});
  const stream: ByteStream = new dicomParser.ByteStream(parser, bytes, offset);
  dataSet.warnings = stream.warnings;
  const options = { untilTag: PIXEL_DATA };
  if (encoding === 'implicit-le') dicomParser.parseDicomDataSetImplicit(dataSet, stream, bytes.length, options);
  else dicomParser.parseDicomDataSetExplicit(dataSet, stream, bytes.length, options);
  return dataSet;
}

/** Parses any supported file; a deflated data set is inflated with DecompressionStream first. */
export async function parseDicomFile(bytes: Uint8Array, fileName: string): Promise<ParsedDicomFile> {
  const location = locateDataSet(bytes, fileName);
  if (location.encoding !== 'deflated') return finish(fileName, location, bytes, location.offset);
  const inflated = await inflateDataSet(bytes.subarray(location.offset), fileName);
  return finish(fileName, location, inflated, 0);
}

function finish(
  fileName: string,
  location: DataSetLocation,
  dataSetBytes: Uint8Array,
  offset: number,
): ParsedDicomFile {
  const encoding = location.encoding === 'deflated' ? 'explicit-le' : location.encoding;
  const dataSet = parseDataSet(dataSetBytes, offset, encoding, fileName, location.meta === null);
  return {
    meta: location.meta,
    dataSet,
    transferSyntaxUid: location.transferSyntaxUid,
    hasFileMeta: location.meta !== null,
    warnings: [...location.warnings, ...dataSet.warnings],
  };
}

// ---------------------------------------------------------------------------
// Where the data set starts, and how it is encoded

const PREAMBLE_LENGTH = 128;
const DICM = [0x44, 0x49, 0x43, 0x4d];

/** Every VR of PS3.5 Table 6.2-1; used to tell explicit from implicit VR encoding. */
const VRS = new Set([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV',
  'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV',
]);

function locateDataSet(bytes: Uint8Array, fileName: string): DataSetLocation {
  const warnings: string[] = [];
  let metaStart: number | null = null;
  if (bytes.length >= PREAMBLE_LENGTH + 4 && DICM.every((b, i) => bytes[PREAMBLE_LENGTH + i] === b)) {
    metaStart = PREAMBLE_LENGTH + 4;
  } else if (bytes.length >= 8 && readUint16(bytes, 0, true) === 0x0002 && hasExplicitVr(bytes, 0)) {
    // Some writers put the meta group first but leave out the preamble and "DICM".
    metaStart = 0;
    warnings.push('file meta information without the 128-byte preamble and "DICM" prefix');
  }

  if (metaStart !== null) {
    const { meta, end } = readMetaGroup(bytes, metaStart, fileName);
    if (metaStart > 0 && Object.keys(meta.elements).length === 0) {
      // "DICM" followed straight by the data set: a writer that kept the
      // preamble but left out the meta group. Read what follows as a bare data set.
      const sniffed = sniffEncoding(bytes, metaStart);
      if (sniffed === null) throw new DicomReadError(fileName, 'truncated', 'the file ends after the "DICM" prefix');
      warnings.push('no file meta information after the "DICM" prefix');
      return { meta: null, transferSyntaxUid: INFERRED[sniffed], encoding: sniffed, offset: metaStart, warnings };
    }
    const declared = readMetaUid(meta, 'x00020010');
    if (!declared) {
      throw new DicomReadError(fileName, 'malformed', 'the file meta information has no Transfer Syntax UID (0002,0010)');
    }
    let encoding = encodingOf(declared);
    if (end < bytes.length) {
      const sniffed = sniffEncoding(bytes, end);
      if (encoding === null) {
        if (sniffed === null) {
          throw new DicomReadError(fileName, 'unsupported', `transfer syntax ${declared}`);
        }
        warnings.push(`unknown transfer syntax ${declared}; the data set reads as ${sniffed}`);
        encoding = sniffed;
      } else if (
        (encoding === 'explicit-le' && sniffed === 'implicit-le') ||
        (encoding === 'implicit-le' && sniffed === 'explicit-le')
      ) {
        // A known writer bug: the header says one VR encoding, the data set uses
        // the other. Trusting the header would misread every element.
        warnings.push(`transfer syntax ${declared} declared, but the data set is encoded ${sniffed}`);
        encoding = sniffed;
      }
    }
    return { meta, transferSyntaxUid: declared, encoding: encoding ?? 'explicit-le', offset: end, warnings };
  }

  const sniffed = looksLikeDataSetStart(bytes) ? sniffEncoding(bytes, 0) : null;
  if (sniffed === null) throw new DicomReadError(fileName, 'not-dicom');
  return { meta: null, transferSyntaxUid: INFERRED[sniffed], encoding: sniffed, offset: 0, warnings };
}

/** The transfer syntax a bare data set is taken to have, by how it is encoded. */
const INFERRED: Record<Exclude<DataSetEncoding, 'deflated'>, string> = {
  'implicit-le': IMPLICIT_VR_LITTLE_ENDIAN,
  'explicit-le': EXPLICIT_VR_LITTLE_ENDIAN,
  'explicit-be': EXPLICIT_VR_BIG_ENDIAN,
};

/** PS3.5 §10 and Annex A: the encoding each standard transfer syntax uses for the data set. */
function encodingOf(transferSyntaxUid: string): DataSetEncoding | null {
  switch (transferSyntaxUid) {
    case IMPLICIT_VR_LITTLE_ENDIAN:
      return 'implicit-le';
    case EXPLICIT_VR_BIG_ENDIAN:
      return 'explicit-be';
    case DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN:
    case JPIP_REFERENCED_DEFLATE:
      return 'deflated';
  }
  // Every other standard syntax, native or encapsulated (JPEG, JPEG-LS, JPEG 2000,
  // HTJ2K, RLE, MPEG, …), encodes the data set as explicit VR little endian (PS3.5 §A.4).
  return transferSyntaxUid.startsWith('1.2.840.10008.1.2.') ? 'explicit-le' : null;
}

/**
 * Reads the first element at `offset` both ways: explicit VR if its VR bytes
 * name a real VR, else implicit VR little endian. Big endian is recognised by
 * a group number that only makes sense read big-endian.
 */
function sniffEncoding(bytes: Uint8Array, offset: number): Exclude<DataSetEncoding, 'deflated'> | null {
  if (bytes.length - offset < 8) return null;
  const groupLe = readUint16(bytes, offset, true);
  const groupBe = readUint16(bytes, offset, false);
  if (hasExplicitVr(bytes, offset)) {
    return groupBe !== 0 && groupBe <= 0x00ff && groupLe > 0x00ff ? 'explicit-be' : 'explicit-le';
  }
  return 'implicit-le';
}

/**
 * Whether a file without a header plausibly starts with a data set: the first
 * group is a small even number (data sets start with group 0008 in practice,
 * ACR-NEMA ones with its group length), so random bytes are not taken for DICOM.
 */
function looksLikeDataSetStart(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  const plausible = (group: number): boolean => group >= 0x0002 && group <= 0x0010 && group % 2 === 0;
  return plausible(readUint16(bytes, 0, true)) || (plausible(readUint16(bytes, 0, false)) && hasExplicitVr(bytes, 0));
}

function hasExplicitVr(bytes: Uint8Array, offset: number): boolean {
  const a = bytes[offset + 4];
  const b = bytes[offset + 5];
  return a !== undefined && b !== undefined && VRS.has(String.fromCharCode(a, b));
}

function readUint16(bytes: Uint8Array, offset: number, littleEndian: boolean): number {
  const lo = bytes[offset + (littleEndian ? 0 : 1)] ?? 0;
  const hi = bytes[offset + (littleEndian ? 1 : 0)] ?? 0;
  return lo | (hi << 8);
}

// ---------------------------------------------------------------------------
// File Meta Information (PS3.10 §7.1): always explicit VR little endian

function readMetaGroup(bytes: Uint8Array, start: number, fileName: string): { meta: DataSet; end: number } {
  const parser = dicomParser.littleEndianByteArrayParser;
  const elements: Record<string, Element> = {};
  const meta = new dicomParser.DataSet(parser, bytes, elements);
  meta.warnings = [];
  if (start >= bytes.length) throw new DicomReadError(fileName, 'truncated', 'the file ends before the file meta information');
  const stream = new dicomParser.ByteStream(parser, bytes, start);
  // The group ends where an element of a higher group starts; (0002,0000) File
  // Meta Information Group Length is not trusted, as some writers get it wrong.
  while (stream.position < bytes.length) {
    const position = stream.position;
    if (bytes.length - position >= 2 && readUint16(bytes, position, true) !== 0x0002) break;
    let element: Element;
    try {
      element = dicomParser.readDicomElementExplicit(stream, meta.warnings);
    } catch (error) {
      throw toReadError(error, fileName, 'file meta information');
    }
    if (element.dataOffset + element.length > bytes.length) {
      throw new DicomReadError(fileName, 'truncated', `${describeTag(element.tag)} in the file meta information runs past the end of the file`);
    }
    element.parser = parser;
    elements[element.tag] = element;
  }
  return { meta, end: stream.position };
}

function readMetaUid(meta: DataSet, tag: string): string | null {
  const element = meta.elements[tag];
  if (!element) return null;
  let text = '';
  for (let i = element.dataOffset; i < element.dataOffset + element.length; i++) {
    text += String.fromCharCode(meta.byteArray[i] ?? 0);
  }
  // UI values are padded with one trailing NUL (PS3.5 §6.2); spaces are a common writer error.
  return text.replace(/[\0 ]+$/, '').trim() || null;
}

// ---------------------------------------------------------------------------
// The main data set

function parseDataSet(
  bytes: Uint8Array,
  offset: number,
  encoding: Exclude<DataSetEncoding, 'deflated'>,
  fileName: string,
  bare: boolean,
): DataSet {
  const parser: ByteArrayParser =
    encoding === 'explicit-be' ? dicomParser.bigEndianByteArrayParser : dicomParser.littleEndianByteArrayParser;
  const elements: Record<string, Element> = {};
  const dataSet = new dicomParser.DataSet(parser, bytes, elements);
  dataSet.warnings = [];
  // A Part 10 file may hold only the meta header (nothing to parse, and
  // ByteStream refuses a start position at the end of the buffer).
  if (offset >= bytes.length) return dataSet;

  const stream: ByteStream = new dicomParser.ByteStream(parser, bytes, offset);
  dataSet.warnings = stream.warnings;
  try {
    if (encoding === 'implicit-le') {
      dicomParser.parseDicomDataSetImplicit(dataSet, stream, bytes.length);
    } else {
      dicomParser.parseDicomDataSetExplicit(dataSet, stream, bytes.length);
    }
  } catch (error) {
    // A guessed-at bare data set that breaks before two elements in order was never DICOM.
    if (bare && !looksLikeDataSet(dataSet, 2)) throw new DicomReadError(fileName, 'not-dicom');
    // dicom-parser throws strings; it records the element that overran first.
    const overrun = findOverrun(dataSet, bytes.length);
    if (overrun) throw overrun(fileName);
    throw toReadError(error, fileName, 'data set');
  }
  if (bare && !looksLikeDataSet(dataSet, 1)) throw new DicomReadError(fileName, 'not-dicom');
  const overrun = findOverrun(dataSet, bytes.length);
  if (overrun) throw overrun(fileName);
  // dicom-parser notes, but does not throw for, sequences and encapsulated
  // pixel data that end without their delimiters (PS3.5 §7.5, §A.4): the
  // file was cut short inside them.
  const cut = dataSet.warnings.find((w) => /eof encountered|missing sequence delimiter/i.test(w));
  if (cut) throw new DicomReadError(fileName, 'truncated', cut.replace(/^dicomParser\.\w+: /, ''));
  return dataSet;
}

/** The first top-level element whose value runs past the end of the bytes. */
function findOverrun(dataSet: DataSet, length: number): ((fileName: string) => DicomReadError) | null {
  for (const element of Object.values(dataSet.elements)) {
    if (element.hadUndefinedLength && element.length === 0xffffffff) continue;
    const end = element.dataOffset + element.length;
    if (end > length) {
      return (fileName) =>
        new DicomReadError(
          fileName,
          'truncated',
          `${describeTag(element.tag)} declares ${element.length} bytes at offset ${element.dataOffset}, but only ${length - element.dataOffset} follow`,
        );
    }
  }
  return null;
}

/**
 * A bare data set has no magic number, so a file that merely starts with
 * plausible bytes must also parse as one: at least `minimum` top-level
 * elements, in ascending tag order as PS3.5 §7.1 requires.
 */
function looksLikeDataSet(dataSet: DataSet, minimum: number): boolean {
  const tags = Object.keys(dataSet.elements);
  if (tags.length < minimum) return false;
  for (let i = 1; i < tags.length; i++) if (tags[i - 1]! >= tags[i]!) return false;
  return true;
}

function toReadError(error: unknown, fileName: string, where: string): DicomReadError {
  if (error instanceof DicomReadError) return error;
  const message = (error instanceof Error ? error.message : String(error)).replace(/^dicomParser[.:][\w.]+:\s*/, '');
  const truncated = /past end of buffer|buffer overrun|buffer overread|maxP ?osition|greater than or equal to/i.test(message);
  return new DicomReadError(fileName, truncated ? 'truncated' : 'malformed', `${where}: ${message}`, { cause: error });
}

// ---------------------------------------------------------------------------
// Deflate (PS3.5 §A.5): the data set after the meta header is a raw deflate
// stream (RFC 1951, no zlib header), inflated here with the platform's
// DecompressionStream, which browsers, workers and Node all provide.

/** Bytes after the deflate stream that are tolerated (padding, stray trailers). */
const MAX_TRAILING_BYTES = 16;

/**
 * Inflates a deflated data set (1.2.840.10008.1.2.1.99), tolerating bytes
 * after the deflate stream. Throws DicomReadError naming `fileName`.
 */
export async function inflateDataSet(deflated: Uint8Array, fileName: string): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') {
    throw new DicomReadError(fileName, 'unsupported', 'a deflated data set needs DecompressionStream, which this browser lacks');
  }
  try {
    return await inflateRaw(deflated);
  } catch (error) {
    // Writers pad the file to an even length, and some leave a few more
    // bytes after the deflate stream's last block; Chromium's inflater
    // refuses anything after the end ("junk"), Node's ignores it. The first
    // shorter input that inflates cleanly ends exactly where the stream does
    // (cutting into the stream itself fails as incomplete).
    for (let cut = 1; cut <= MAX_TRAILING_BYTES && cut < deflated.length; cut++) {
      try {
        return await inflateRaw(deflated.subarray(0, deflated.length - cut));
      } catch {
        // try one byte shorter; report the first failure below
      }
    }
    const message = error instanceof Error ? error.message : String(error);
    const truncated = /unexpected end|end of (the )?(file|stream|data)|incomplete/i.test(message);
    throw new DicomReadError(
      fileName,
      truncated ? 'truncated' : 'malformed',
      `the deflated data set does not inflate (${message})`,
      { cause: error },
    );
  }
}

async function inflateRaw(deflated: Uint8Array): Promise<Uint8Array> {
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  // Errors surface on the reading side; keep the writer's copies from being unhandled.
  writer.write(deflated as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);

  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
  }
  const inflated = new Uint8Array(total);
  let position = 0;
  for (const chunk of chunks) {
    inflated.set(chunk, position);
    position += chunk.length;
  }
  return inflated;
}
