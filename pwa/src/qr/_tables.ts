/**
 * Per-version constants from ISO/IEC 18004 Table 9 (error correction
 * characteristics) and the geometry that Annex E's alignment table follows.
 *
 * Only two numbers per (version, level) are tabulated: the ECC codewords in
 * each block and the number of blocks. Everything else (total codewords,
 * data codewords, how blocks split into short and long ones) is derived, so
 * a typo here shows up as a capacity mismatch in the tests rather than as a
 * silently unreadable symbol.
 */

export type ErrorCorrectionLevel = 'L' | 'M' | 'Q' | 'H';

export const _LEVELS: readonly ErrorCorrectionLevel[] = ['L', 'M', 'Q', 'H'];

export const _MIN_VERSION = 1;
export const _MAX_VERSION = 40;

// Index 0 is unused so that the version number indexes directly.
const ECC_PER_BLOCK: Record<ErrorCorrectionLevel, readonly number[]> = {
  L: [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  M: [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  Q: [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  H: [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
};

const BLOCK_COUNT: Record<ErrorCorrectionLevel, readonly number[]> = {
  L: [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  M: [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
  Q: [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
  H: [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
};

export function _symbolSize(version: number): number {
  return version * 4 + 17;
}

/**
 * Centre coordinates (same list for rows and columns) of the alignment
 * patterns. The spec tabulates them; they follow a rule: first at 6, last at
 * size - 7, the rest evenly spaced by an even step counted back from the
 * last, so the irregular gap falls next to the timing pattern.
 */
export function _alignmentPositions(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const step = Math.floor((version * 8 + count * 3 + 5) / (count * 4 - 4)) * 2;
  const positions = [6];
  for (let pos = _symbolSize(version) - 7; positions.length < count; pos -= step) {
    positions.splice(1, 0, pos);
  }
  return positions;
}

/**
 * Modules left for codewords once finder, separator, timing, alignment,
 * format and version areas are taken; includes the 0-7 remainder bits that
 * do not fill a whole codeword. Closed form so capacity can be known without
 * drawing a symbol; the tests check it against a drawn one.
 */
export function _rawDataModules(version: number): number {
  let modules = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const align = Math.floor(version / 7) + 2;
    modules -= (25 * align - 10) * align - 55;
    if (version >= 7) modules -= 36;
  }
  return modules;
}

export interface BlockLayout {
  readonly eccPerBlock: number;
  readonly blocks: number;
  /** Data codewords in a short block; long blocks have one more. */
  readonly shortDataLength: number;
  readonly shortBlocks: number;
  readonly dataCodewords: number;
}

export function _blockLayout(version: number, level: ErrorCorrectionLevel): BlockLayout {
  const eccPerBlock = ECC_PER_BLOCK[level][version]!;
  const blocks = BLOCK_COUNT[level][version]!;
  const total = Math.floor(_rawDataModules(version) / 8);
  // The spec splits total codewords into blocks as evenly as possible, short
  // blocks first.
  const shortTotal = Math.floor(total / blocks);
  const shortBlocks = blocks - (total % blocks);
  return {
    eccPerBlock,
    blocks,
    shortDataLength: shortTotal - eccPerBlock,
    shortBlocks,
    dataCodewords: total - eccPerBlock * blocks,
  };
}
