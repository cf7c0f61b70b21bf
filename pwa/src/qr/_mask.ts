/**
 * The eight data masks and the penalty score used to pick one
 * (ISO/IEC 18004 §7.8). Masking breaks up patterns that confuse readers:
 * long runs, large blocks, and look-alikes of the finder pattern.
 */
import type { _Grid } from './_grid.ts';

/** Whether mask `mask` inverts the module at column x, row y. */
export function _maskInverts(mask: number, x: number, y: number): boolean {
  switch (mask) {
    case 0: return (x + y) % 2 === 0;
    case 1: return y % 2 === 0;
    case 2: return x % 3 === 0;
    case 3: return (x + y) % 3 === 0;
    case 4: return (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0;
    case 5: return ((x * y) % 2) + ((x * y) % 3) === 0;
    case 6: return (((x * y) % 2) + ((x * y) % 3)) % 2 === 0;
    case 7: return (((x + y) % 2) + ((x * y) % 3)) % 2 === 0;
    default: throw new RangeError(`mask must be 0..7, got ${mask}`);
  }
}

/** XORs the mask into every data module; applying it twice undoes it. */
export function _applyMask(grid: _Grid, mask: number): void {
  for (let y = 0; y < grid.size; y++) {
    for (let x = 0; x < grid.size; x++) {
      if (!grid.isReserved(x, y) && _maskInverts(mask, x, y)) grid.setData(x, y, !grid.get(x, y));
    }
  }
}

const N1 = 3;
const N2 = 3;
const N3 = 40;
const N4 = 10;

// 1:1:3:1:1 dark-light ratio with four light modules on one side.
const FINDER_LIKE_A = [1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0];
const FINDER_LIKE_B = [0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1];

/** Rules 1 and 3 for one row or column. */
function linePenalty(line: Uint8Array): number {
  let score = 0;
  // Rule 1: each run of five or more same-coloured modules.
  let run = 1;
  for (let i = 1; i <= line.length; i++) {
    if (i < line.length && line[i] === line[i - 1]) {
      run++;
    } else {
      if (run >= 5) score += N1 + (run - 5);
      run = 1;
    }
  }
  // Rule 3: finder look-alikes. The line is read as if padded with four
  // light modules each side, because the quiet zone around a printed code
  // is light too and a reader sees the pattern against it.
  const padded = new Uint8Array(line.length + 8);
  padded.set(line, 4);
  for (let i = 0; i + 11 <= padded.length; i++) {
    if (matchesAt(padded, i, FINDER_LIKE_A) || matchesAt(padded, i, FINDER_LIKE_B)) score += N3;
  }
  return score;
}

function matchesAt(line: Uint8Array, start: number, pattern: readonly number[]): boolean {
  for (let k = 0; k < pattern.length; k++) if (line[start + k] !== pattern[k]) return false;
  return true;
}

export function _penalty(grid: _Grid): number {
  const { size, modules } = grid;
  let score = 0;
  const line = new Uint8Array(size);
  for (let y = 0; y < size; y++) score += linePenalty(modules.subarray(y * size, (y + 1) * size));
  for (let x = 0; x < size; x++) {
    for (let y = 0; y < size; y++) line[y] = modules[y * size + x]!;
    score += linePenalty(line);
  }
  // Rule 2: every 2x2 block of one colour (overlapping blocks all count).
  for (let y = 0; y + 1 < size; y++) {
    for (let x = 0; x + 1 < size; x++) {
      const c = modules[y * size + x];
      if (c === modules[y * size + x + 1] && c === modules[(y + 1) * size + x] && c === modules[(y + 1) * size + x + 1]) {
        score += N2;
      }
    }
  }
  // Rule 4: N4 for each full 5% that the dark share deviates from 50%.
  let dark = 0;
  for (const m of modules) dark += m;
  const percent = (dark * 100) / modules.length;
  score += Math.floor(Math.abs(percent - 50) / 5) * N4;
  return score;
}
