/**
 * A QR matrix as one SVG path. One path with merged horizontal runs keeps a
 * version-10 symbol to a few hundred short commands instead of thousands of
 * <rect> elements, and draws identically at any scale.
 */
import type { QrMatrix } from './index.ts';

export interface QrSvgPath {
  /** "0 0 W W" in module units, quiet zone included. */
  readonly viewBox: string;
  /** The 'd' attribute: one closed rectangle per horizontal run of dark modules. */
  readonly path: string;
}

export function _svgPath(matrix: QrMatrix, margin: number): QrSvgPath {
  if (!Number.isInteger(margin) || margin < 0) {
    throw new RangeError(`margin must be a non-negative integer, got ${margin}`);
  }
  const { size, modules } = matrix;
  if (modules.length !== size * size) {
    throw new RangeError(`matrix has ${modules.length} modules, expected ${size}x${size}`);
  }
  const parts: string[] = [];
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      if (modules[y * size + x] !== 1) {
        x++;
        continue;
      }
      const start = x;
      while (x < size && modules[y * size + x] === 1) x++;
      // Absolute move, then relative h/v/h so each run is short text.
      parts.push(`M${start + margin} ${y + margin}h${x - start}v1h${start - x}z`);
    }
  }
  const full = size + margin * 2;
  return { viewBox: `0 0 ${full} ${full}`, path: parts.join('') };
}
