// A small sequential DCT JPEG decoder (ITU-T T.81: baseline SOF0 and
// extended SOF1 with Huffman coding, 8- or 12-bit samples, one component),
// for DICOM's JPEG Extended transfer syntax (1.2.840.10008.1.2.4.51) with
// Bits Stored above 8.
//
// Why not Cornerstone's: @cornerstonejs/dicom-image-loader 5.14 decodes that
// syntax with dist/esm/codecs/jpeg.js (a pdf.js jpg.js derivative), whose
// quantizeAndInverse ends every IDCT with the 8-bit level shift and clamps
// divided by bitConversion (255 / 4095): (q + 2056 / bc) >> 4, clamped at
// -2056 / bc and 2024 / bc. For 12-bit samples the shift must be
// 2048 * 16 + 8 = 32776 (and the clamps -32776 / 32744); 2056 / bc = 33017
// adds ~15 to every value (pydicom's JPGExtended.dcm: min 9 and mean 29.3
// where GDCM gives 0 and 14.4). This decoder is written from the standard,
// not copied from that file; its IDCT is libjpeg's integer one (see
// idctIslow), so it gives the reference decoders' values exactly.
//
// What it does not handle (progressive, arithmetic coding, lossless,
// several components) throws UnsupportedJpegError, so the caller can leave
// the frame to Cornerstone.

export class UnsupportedJpegError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedJpegError';
  }
}

export interface DecodedJpeg {
  width: number;
  height: number;
  /** Sample precision in bits (8 or 12). */
  precision: number;
  /** Row-major samples, 0 .. 2^precision - 1. */
  samples: Uint16Array;
}

/** Zig-zag position → natural (row-major) position in the 8×8 block (T.81 Figure A.6). */
const ZIGZAG = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35,
  42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62,
  63,
]);

// libjpeg's jidctint.c (jpeg_idct_islow) constants: FIX(x) = round(x * 2^13).
const CONST_BITS = 13;
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

/** A Huffman table in the decoding form of T.81 F.2.2.3 (MAXCODE, VALPTR, MINCODE). */
interface HuffmanTable {
  maxCode: Int32Array;
  valPtr: Int32Array;
  minCode: Int32Array;
  values: Uint8Array;
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): HuffmanTable {
  const maxCode = new Int32Array(18).fill(-1);
  const valPtr = new Int32Array(17);
  const minCode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1]!;
    if (n > 0) {
      valPtr[length] = k;
      minCode[length] = code;
      code += n;
      k += n;
      maxCode[length] = code - 1;
    }
    code <<= 1;
  }
  // A sentinel so a corrupt stream cannot read past 16 bits forever.
  maxCode[17] = 0x7fffffff;
  return { maxCode, valPtr, minCode, values };
}

interface Component {
  id: number;
  quantTable: number;
  dcTable: number;
  acTable: number;
}

/** Entropy-coded data with byte stuffing (FF 00) removed lazily; stops at a marker. */
class BitReader {
  #bits = 0;
  #count = 0;
  /** A marker (FF xx, xx ≠ 0) was reached: the segment's data is exhausted. */
  #atMarker = false;

  constructor(
    private readonly data: Uint8Array,
    public pos: number,
  ) {}

  #fill(): void {
    while (this.#count <= 24) {
      let byte = 0;
      if (!this.#atMarker && this.pos < this.data.length) {
        byte = this.data[this.pos]!;
        if (byte === 0xff) {
          const next = this.data[this.pos + 1];
          if (next === 0x00) this.pos += 2;
          else {
            // A marker: feed zeros (T.81 F.2.2.5 leaves this to the decoder) and leave pos on it.
            this.#atMarker = true;
            byte = 0;
          }
        } else this.pos++;
      }
      this.#bits |= byte << (24 - this.#count);
      this.#count += 8;
    }
  }

  bit(): number {
    if (this.#count === 0) this.#fill();
    const b = this.#bits >>> 31;
    this.#bits <<= 1;
    this.#count--;
    return b;
  }

  /** RECEIVE(s) of T.81 F.2.2.4. */
  receive(length: number): number {
    if (this.#count < length) this.#fill();
    const value = this.#bits >>> (32 - length);
    this.#bits = length === 32 ? 0 : this.#bits << length;
    this.#count -= length;
    return value;
  }

  decode(table: HuffmanTable): number {
    let code = this.bit();
    let length = 1;
    while (code > table.maxCode[length]!) {
      code = (code << 1) | this.bit();
      length++;
      if (length > 16) throw new Error('Corrupt JPEG data: Huffman code longer than 16 bits');
    }
    return table.values[table.valPtr[length]! + code - table.minCode[length]!]!;
  }

  /** Restart: drop the buffered bits and step over the RSTn marker that must follow. */
  restart(): void {
    this.#bits = 0;
    this.#count = 0;
    this.#atMarker = false;
    let pos = this.pos;
    while (pos + 1 < this.data.length && !(this.data[pos] === 0xff && this.data[pos + 1]! >= 0xd0 && this.data[pos + 1]! <= 0xd7)) {
      pos++;
    }
    this.pos = pos + 2;
  }
}

/** EXTEND of T.81 F.2.2.1: the s-bit magnitude category value v as a signed difference. */
function extend(v: number, s: number): number {
  return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
}

/**
 * Decodes one JPEG (SOF0 or SOF1, Huffman, one component) to its samples.
 * Throws UnsupportedJpegError for any other kind of JPEG.
 */
export function decodeJpegDct(data: Uint8Array): DecodedJpeg {
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new UnsupportedJpegError('Not a JPEG stream (no SOI marker)');
  const quant: (Int32Array | undefined)[] = [];
  const dcTables: (HuffmanTable | undefined)[] = [];
  const acTables: (HuffmanTable | undefined)[] = [];
  let frame: { precision: number; width: number; height: number; components: Component[] } | null = null;
  let restartInterval = 0;
  let samples: Uint16Array | null = null;
  let pos = 2;

  const u16 = (at: number) => (data[at]! << 8) | data[at + 1]!;

  while (pos < data.length) {
    if (data[pos] !== 0xff) {
      pos++;
      continue;
    }
    const marker = data[pos + 1]!;
    pos += 2;
    if (marker === 0xff || marker === 0x00 || (marker >= 0xd0 && marker <= 0xd7)) {
      if (marker === 0xff) pos--;
      continue;
    }
    if (marker === 0xd9) break;
    const length = u16(pos);
    const end = pos + length;
    const at = pos + 2;
    switch (marker) {
      case 0xdb: {
        // DQT: Pq (0: 8-bit, 1: 16-bit entries) and Tq, then 64 entries in zig-zag order.
        let p = at;
        while (p < end) {
          const pq = data[p]! >> 4;
          const tq = data[p]! & 15;
          p++;
          const table = new Int32Array(64);
          for (let k = 0; k < 64; k++) {
            table[k] = pq ? u16(p + 2 * k) : data[p + k]!;
          }
          p += pq ? 128 : 64;
          quant[tq] = table;
        }
        break;
      }
      case 0xc4: {
        let p = at;
        while (p < end) {
          const tc = data[p]! >> 4;
          const th = data[p]! & 15;
          const counts = data.subarray(p + 1, p + 17);
          let total = 0;
          for (const c of counts) total += c;
          const values = data.slice(p + 17, p + 17 + total);
          (tc === 0 ? dcTables : acTables)[th] = buildHuffman(counts, values);
          p += 17 + total;
        }
        break;
      }
      case 0xdd:
        restartInterval = u16(at);
        break;
      case 0xc0:
      case 0xc1: {
        const precision = data[at]!;
        const height = u16(at + 1);
        const width = u16(at + 3);
        const count = data[at + 5]!;
        if (count !== 1) throw new UnsupportedJpegError(`JPEG with ${count} components`);
        if (precision !== 8 && precision !== 12) throw new UnsupportedJpegError(`JPEG precision ${precision}`);
        if (height === 0) throw new UnsupportedJpegError('JPEG height defined by DNL');
        frame = {
          precision,
          width,
          height,
          components: [{ id: data[at + 6]!, quantTable: data[at + 8]!, dcTable: 0, acTable: 0 }],
        };
        break;
      }
      case 0xda: {
        if (!frame) throw new Error('Corrupt JPEG data: scan before frame header');
        const count = data[at]!;
        const component = frame.components[0]!;
        if (count !== 1 || data[at + 1] !== component.id) throw new Error('Corrupt JPEG data: unexpected scan components');
        component.dcTable = data[at + 2]! >> 4;
        component.acTable = data[at + 2]! & 15;
        samples = decodeScan(data, end, frame, component, quant, dcTables, acTables, restartInterval);
        // decodeScan leaves the position on the marker after the entropy-coded data.
        pos = scanEnd(data, end);
        continue;
      }
      default:
        if ((marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xde) {
          throw new UnsupportedJpegError(`JPEG process of marker FF${marker.toString(16).toUpperCase()}`);
        }
      // APPn, COM and the rest carry nothing for the samples.
    }
    pos = end;
  }
  if (!frame || !samples) throw new Error('Corrupt JPEG data: no image');
  return { width: frame.width, height: frame.height, precision: frame.precision, samples };
}

/** The position of the first marker after entropy-coded data starting at `pos`. */
function scanEnd(data: Uint8Array, pos: number): number {
  while (pos + 1 < data.length) {
    if (data[pos] === 0xff) {
      const next = data[pos + 1]!;
      if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7)) return pos;
    }
    pos++;
  }
  return data.length;
}

function decodeScan(
  data: Uint8Array,
  start: number,
  frame: { precision: number; width: number; height: number },
  component: Component,
  quant: (Int32Array | undefined)[],
  dcTables: (HuffmanTable | undefined)[],
  acTables: (HuffmanTable | undefined)[],
  restartInterval: number,
): Uint16Array {
  const q = quant[component.quantTable];
  const dc = dcTables[component.dcTable];
  const ac = acTables[component.acTable];
  if (!q || !dc || !ac) throw new Error('Corrupt JPEG data: a table the scan uses is missing');
  const { width, height, precision } = frame;
  const blocksPerLine = Math.ceil(width / 8);
  const blocksPerColumn = Math.ceil(height / 8);
  const out = new Uint16Array(width * height);
  const coefficients = new Int32Array(64);
  const workspace = new Float64Array(64);
  const reader = new BitReader(data, start);
  let prediction = 0;
  let mcu = 0;
  for (let by = 0; by < blocksPerColumn; by++) {
    for (let bx = 0; bx < blocksPerLine; bx++) {
      if (restartInterval > 0 && mcu > 0 && mcu % restartInterval === 0) {
        reader.restart();
        prediction = 0;
      }
      mcu++;
      coefficients.fill(0);
      // DC difference, then run-length coded AC coefficients (T.81 F.2.2.1, F.2.2.2).
      const t = reader.decode(dc);
      if (t > 0) prediction += extend(reader.receive(t), t);
      coefficients[0] = prediction * q[0]!;
      for (let k = 1; k < 64; ) {
        const rs = reader.decode(ac);
        const r = rs >> 4;
        const s = rs & 15;
        if (s === 0) {
          if (r !== 15) break;
          k += 16;
          continue;
        }
        k += r;
        if (k > 63) break;
        coefficients[ZIGZAG[k]!] = extend(reader.receive(s), s) * q[k]!;
        k++;
      }
      idctIslow(coefficients, workspace, precision, out, width, height, bx * 8, by * 8);
    }
  }
  return out;
}

/** Rounding right shift; in doubles, because 12-bit sums can pass 2^31. */
function descale(x: number, n: number): number {
  return Math.floor((x + 2 ** (n - 1)) / 2 ** n);
}

/**
 * The integer IDCT of libjpeg's jidctint.c (jpeg_idct_islow, Loeffler-
 * Ligtenberg-Moschytz), the one GDCM, DCMTK and pydicom's references use, so
 * that this decoder gives their values sample for sample rather than a
 * floating-point IDCT's (which differs by one here and there). Writes the
 * level-shifted, clamped block into `out` at (x0, y0), clipped to the image.
 */
function idctIslow(
  input: Int32Array,
  ws: Float64Array,
  precision: number,
  out: Uint16Array,
  width: number,
  height: number,
  x0: number,
  y0: number,
): void {
  // 12-bit samples keep one fractional bit between the passes (8-bit: two), as libjpeg does.
  const pass1Bits = precision === 8 ? 2 : 1;
  // Pass 1: columns of the input into the workspace.
  for (let c = 0; c < 8; c++) {
    if (
      input[8 + c] === 0 && input[16 + c] === 0 && input[24 + c] === 0 && input[32 + c] === 0 &&
      input[40 + c] === 0 && input[48 + c] === 0 && input[56 + c] === 0
    ) {
      const dc = input[c]! * 2 ** pass1Bits;
      for (let r = 0; r < 8; r++) ws[r * 8 + c] = dc;
      continue;
    }
    idct1d(input[c]!, input[8 + c]!, input[16 + c]!, input[24 + c]!, input[32 + c]!, input[40 + c]!, input[48 + c]!, input[56 + c]!);
    const n = CONST_BITS - pass1Bits;
    ws[c] = descale(r0 + r7x, n);
    ws[56 + c] = descale(r0 - r7x, n);
    ws[8 + c] = descale(r1 + r6x, n);
    ws[48 + c] = descale(r1 - r6x, n);
    ws[16 + c] = descale(r2 + r5x, n);
    ws[40 + c] = descale(r2 - r5x, n);
    ws[24 + c] = descale(r3 + r4x, n);
    ws[32 + c] = descale(r3 - r4x, n);
  }
  // Pass 2: rows of the workspace to samples, level-shifted by 2^(P-1) and clamped.
  const center = 1 << (precision - 1);
  const max = (1 << precision) - 1;
  const n = CONST_BITS + pass1Bits + 3;
  const put = (y: number, x: number, value: number) => {
    const v = value + center;
    out[(y0 + y) * width + x0 + x] = v < 0 ? 0 : v > max ? max : v;
  };
  const columns = Math.min(8, width - x0);
  const rows = Math.min(8, height - y0);
  const row = new Float64Array(8);
  for (let r = 0; r < rows; r++) {
    const b = r * 8;
    idct1d(ws[b]!, ws[b + 1]!, ws[b + 2]!, ws[b + 3]!, ws[b + 4]!, ws[b + 5]!, ws[b + 6]!, ws[b + 7]!);
    row[0] = descale(r0 + r7x, n);
    row[7] = descale(r0 - r7x, n);
    row[1] = descale(r1 + r6x, n);
    row[6] = descale(r1 - r6x, n);
    row[2] = descale(r2 + r5x, n);
    row[5] = descale(r2 - r5x, n);
    row[3] = descale(r3 + r4x, n);
    row[4] = descale(r3 - r4x, n);
    for (let x = 0; x < columns; x++) put(r, x, row[x]!);
  }
}

// The results of idct1d: even part (r0..r3 = tmp10, tmp11, tmp12, tmp13) and
// odd part (r4x..r7x = tmp0, tmp1, tmp2, tmp3), scaled by 2^CONST_BITS.
let r0 = 0;
let r1 = 0;
let r2 = 0;
let r3 = 0;
let r4x = 0;
let r5x = 0;
let r6x = 0;
let r7x = 0;

/** One 8-point pass of jpeg_idct_islow, on doubles (products stay far below 2^53). */
function idct1d(i0: number, i1: number, i2: number, i3: number, i4: number, i5: number, i6: number, i7: number): void {
  // Even part.
  let z1 = (i2 + i6) * FIX_0_541196100;
  const even2 = z1 - i6 * FIX_1_847759065;
  const even3 = z1 + i2 * FIX_0_765366865;
  const even0 = (i0 + i4) * 2 ** CONST_BITS;
  const even1 = (i0 - i4) * 2 ** CONST_BITS;
  r0 = even0 + even3;
  r3 = even0 - even3;
  r1 = even1 + even2;
  r2 = even1 - even2;
  // Odd part.
  z1 = i7 + i1;
  let z2 = i5 + i3;
  let z3 = i7 + i3;
  let z4 = i5 + i1;
  const z5 = (z3 + z4) * FIX_1_175875602;
  let t0 = i7 * FIX_0_298631336;
  let t1 = i5 * FIX_2_053119869;
  let t2 = i3 * FIX_3_072711026;
  let t3 = i1 * FIX_1_501321110;
  z1 *= -FIX_0_899976223;
  z2 *= -FIX_2_562915447;
  z3 = z3 * -FIX_1_961570560 + z5;
  z4 = z4 * -FIX_0_390180644 + z5;
  t0 += z1 + z3;
  t1 += z2 + z4;
  t2 += z2 + z3;
  t3 += z1 + z4;
  r4x = t0;
  r5x = t1;
  r6x = t2;
  r7x = t3;
}
