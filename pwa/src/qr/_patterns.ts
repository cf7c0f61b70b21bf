/**
 * Function patterns and the format and version information
 * (ISO/IEC 18004 §6.3, §7.9, §7.10).
 */
import { _Grid } from './_grid.ts';
import { _alignmentPositions, _symbolSize, type ErrorCorrectionLevel } from './_tables.ts';

// The two format bits of each level; not in L-M-Q-H order, so a table.
const LEVEL_BITS: Record<ErrorCorrectionLevel, number> = { L: 0b01, M: 0b00, Q: 0b11, H: 0b10 };

/**
 * 15 format bits: 2 level bits and 3 mask bits, a BCH(15,5) remainder with
 * generator 0x537, then XOR 0x5412 so that no valid format is all zeros.
 */
export function _formatBits(level: ErrorCorrectionLevel, mask: number): number {
  const data = (LEVEL_BITS[level] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | rem) ^ 0x5412;
}

/** 18 version bits: 6 bits of version, a BCH(18,6) remainder with generator 0x1f25. */
export function _versionBits(version: number): number {
  let rem = version;
  for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
  return (version << 12) | rem;
}

/** Finder (7x7) with its light separator, clipped at the symbol's edge. */
function drawFinder(grid: _Grid, cx: number, cy: number): void {
  for (let dy = -4; dy <= 4; dy++) {
    for (let dx = -4; dx <= 4; dx++) {
      const x = cx + dx;
      const y = cy + dy;
      if (x < 0 || y < 0 || x >= grid.size || y >= grid.size) continue;
      // Rings at Chebyshev distance 2 (inside) and 4 (separator) are light.
      const ring = Math.max(Math.abs(dx), Math.abs(dy));
      grid.setFunction(x, y, ring !== 2 && ring !== 4);
    }
  }
}

function drawAlignment(grid: _Grid, cx: number, cy: number): void {
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) {
      grid.setFunction(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
    }
  }
}

export function _drawFormatInfo(grid: _Grid, level: ErrorCorrectionLevel, mask: number): void {
  const bits = _formatBits(level, mask);
  const size = grid.size;
  const bit = (i: number) => ((bits >>> i) & 1) === 1;
  // Copy 1, around the top-left finder; bit 0 is the least significant.
  // Row and column 6 are skipped because the timing patterns run there.
  for (let i = 0; i <= 5; i++) grid.setFunction(8, i, bit(i));
  grid.setFunction(8, 7, bit(6));
  grid.setFunction(8, 8, bit(7));
  grid.setFunction(7, 8, bit(8));
  for (let i = 9; i < 15; i++) grid.setFunction(14 - i, 8, bit(i));
  // Copy 2, split between the top-right and bottom-left finders, so one
  // damaged corner still leaves a readable copy.
  for (let i = 0; i < 8; i++) grid.setFunction(size - 1 - i, 8, bit(i));
  for (let i = 8; i < 15; i++) grid.setFunction(8, size - 15 + i, bit(i));
  // The dark module, always dark, beside copy 2.
  grid.setFunction(8, size - 8, true);
}

function drawVersionInfo(grid: _Grid, version: number): void {
  if (version < 7) return;
  const bits = _versionBits(version);
  // Two 6x3 copies: above the bottom-left finder and left of the top-right.
  for (let i = 0; i < 18; i++) {
    const dark = ((bits >>> i) & 1) === 1;
    const a = grid.size - 11 + (i % 3);
    const b = Math.floor(i / 3);
    grid.setFunction(a, b, dark);
    grid.setFunction(b, a, dark);
  }
}

/**
 * A grid with every function pattern drawn and the format area reserved
 * (written with mask 0 for now; it is rewritten once the mask is chosen).
 */
export function _functionGrid(version: number, level: ErrorCorrectionLevel): _Grid {
  const size = _symbolSize(version);
  const grid = new _Grid(size);
  // Timing first: finders and alignment patterns then overwrite its ends.
  for (let i = 0; i < size; i++) {
    grid.setFunction(6, i, i % 2 === 0);
    grid.setFunction(i, 6, i % 2 === 0);
  }
  drawFinder(grid, 3, 3);
  drawFinder(grid, size - 4, 3);
  drawFinder(grid, 3, size - 4);
  const positions = _alignmentPositions(version);
  const last = positions.length - 1;
  for (let i = 0; i <= last; i++) {
    for (let j = 0; j <= last; j++) {
      // The three corners that hold finders get no alignment pattern.
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) continue;
      drawAlignment(grid, positions[i]!, positions[j]!);
    }
  }
  _drawFormatInfo(grid, level, 0);
  drawVersionInfo(grid, version);
  return grid;
}
