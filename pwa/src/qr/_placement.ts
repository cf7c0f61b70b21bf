/**
 * Codeword placement (ISO/IEC 18004 §7.7.3): two-module-wide columns from the
 * right edge, alternately upward and downward, right module before left,
 * most significant bit first, skipping function modules. The vertical timing
 * column (x = 6) is never part of a pair, so the pairing shifts left past it.
 */
import type { _Grid } from './_grid.ts';

export function _placeCodewords(grid: _Grid, codewords: Uint8Array): void {
  const size = grid.size;
  const totalBits = codewords.length * 8;
  let i = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    // Pairs counted from the right edge: even pairs go up, odd pairs down.
    const upward = ((size - 1 - right) >> 1) % 2 === 0;
    for (let step = 0; step < size; step++) {
      const y = upward ? size - 1 - step : step;
      for (let dx = 0; dx < 2; dx++) {
        const x = right - dx;
        if (grid.isReserved(x, y)) continue;
        // Bits past the last codeword are the remainder bits, left light.
        const dark = i < totalBits && ((codewords[i >>> 3]! >>> (7 - (i & 7))) & 1) === 1;
        grid.setData(x, y, dark);
        i++;
      }
    }
  }
  if (i < totalBits) throw new Error(`placed ${i} of ${totalBits} codeword bits`);
}
