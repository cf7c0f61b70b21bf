/**
 * From text to the data codewords of one symbol: UTF-8 bytes in byte mode,
 * the smallest version that holds them, terminator and padding
 * (ISO/IEC 18004 §7.4).
 */
import { _blockLayout, _MAX_VERSION, _MIN_VERSION, type ErrorCorrectionLevel } from './_tables.ts';

/**
 * UTF-8, written out rather than taken from TextEncoder so the module has no
 * dependency on any host global. Lone surrogates become U+FFFD, as
 * TextEncoder does, so the output is always valid UTF-8.
 */
export function _utf8(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const low = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i++;
      } else {
        cp = 0xfffd;
      }
    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
      cp = 0xfffd;
    }
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
}

const BYTE_MODE = 0b0100;

/** The character count field grows from 8 to 16 bits at version 10. */
function countBits(version: number): number {
  return version <= 9 ? 8 : 16;
}

function bitsNeeded(byteLength: number, version: number): number {
  return 4 + countBits(version) + byteLength * 8;
}

/** Bytes of byte-mode payload a (version, level) can hold. */
export function _byteCapacity(version: number, level: ErrorCorrectionLevel): number {
  const bits = _blockLayout(version, level).dataCodewords * 8;
  return Math.floor((bits - 4 - countBits(version)) / 8);
}

/** Smallest version whose data capacity holds the payload, or null. */
export function _chooseVersion(byteLength: number, level: ErrorCorrectionLevel): number | null {
  for (let version = _MIN_VERSION; version <= _MAX_VERSION; version++) {
    if (bitsNeeded(byteLength, version) <= _blockLayout(version, level).dataCodewords * 8) return version;
  }
  return null;
}

/** Appends bits most significant first, the order QR reads them in. */
class BitWriter {
  readonly bytes: Uint8Array;
  length = 0;
  constructor(capacityBytes: number) {
    this.bytes = new Uint8Array(capacityBytes);
  }
  write(value: number, bitCount: number): void {
    for (let i = bitCount - 1; i >= 0; i--) {
      if ((value >>> i) & 1) this.bytes[this.length >>> 3]! |= 0x80 >>> (this.length & 7);
      this.length++;
    }
  }
}

/** The data codewords, padded to exactly the capacity of (version, level). */
export function _dataCodewords(payload: Uint8Array, version: number, level: ErrorCorrectionLevel): Uint8Array {
  const capacity = _blockLayout(version, level).dataCodewords;
  const capacityBits = capacity * 8;
  if (bitsNeeded(payload.length, version) > capacityBits) {
    throw new RangeError(`${payload.length} bytes do not fit version ${version}-${level}`);
  }
  const writer = new BitWriter(capacity);
  writer.write(BYTE_MODE, 4);
  writer.write(payload.length, countBits(version));
  for (const byte of payload) writer.write(byte, 8);
  // Terminator: up to four zero bits, fewer if the symbol is already full.
  writer.length += Math.min(4, capacityBits - writer.length);
  // Zero bits up to a byte boundary (already zero in the buffer).
  writer.length = Math.ceil(writer.length / 8) * 8;
  // The spec's pad bytes alternate 11101100 and 00010001; a reader ignores
  // them, but an all-zero tail could form large blank areas.
  for (let pad = 0xec; writer.length < capacityBits; pad ^= 0xec ^ 0x11) writer.write(pad, 8);
  return writer.bytes;
}
