/**
 * Assembles a symbol from data codewords: function patterns, codeword
 * placement, then the mask with the lowest penalty.
 */
import { _codewordSequence } from './_codewords.ts';
import type { _Grid } from './_grid.ts';
import { _applyMask, _penalty } from './_mask.ts';
import { _drawFormatInfo, _functionGrid } from './_patterns.ts';
import { _placeCodewords } from './_placement.ts';
import type { ErrorCorrectionLevel } from './_tables.ts';

/** The symbol for a codeword sequence with a given mask, before any choice. */
export function _drawSymbol(codewords: Uint8Array, version: number, level: ErrorCorrectionLevel, mask: number): _Grid {
  const grid = _functionGrid(version, level);
  _placeCodewords(grid, codewords);
  _applyMask(grid, mask);
  _drawFormatInfo(grid, level, mask);
  return grid;
}

/**
 * Tries all eight masks and keeps the lowest penalty; ties go to the lower
 * mask number so output is deterministic. The format information is part of
 * each candidate because it counts towards the penalty too.
 */
export function _bestSymbol(data: Uint8Array, version: number, level: ErrorCorrectionLevel): { grid: _Grid; mask: number } {
  const unmasked = _functionGrid(version, level);
  _placeCodewords(unmasked, _codewordSequence(data, version, level));
  let best: { grid: _Grid; mask: number; score: number } | null = null;
  for (let mask = 0; mask < 8; mask++) {
    const grid = unmasked.clone();
    _applyMask(grid, mask);
    _drawFormatInfo(grid, level, mask);
    const score = _penalty(grid);
    if (best === null || score < best.score) best = { grid, mask, score };
  }
  return { grid: best!.grid, mask: best!.mask };
}
