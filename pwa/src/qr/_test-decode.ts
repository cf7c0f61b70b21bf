/**
 * Test support: reads a matrix back with jsQR, an independent decoder, so
 * the tests check what a phone camera would see rather than our own idea of
 * the format. Not imported by the encoder.
 */
import jsQR, { type QRCode } from 'jsqr';
import type { QrMatrix } from './index.ts';

const SCALE = 4;
const QUIET = 4;

/** Black on white RGBA, SCALE pixels per module, QUIET modules of margin. */
export function renderRgba(matrix: QrMatrix): { data: Uint8ClampedArray; width: number } {
  const width = (matrix.size + QUIET * 2) * SCALE;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let y = 0; y < matrix.size; y++) {
    for (let x = 0; x < matrix.size; x++) {
      if (matrix.modules[y * matrix.size + x] !== 1) continue;
      for (let py = 0; py < SCALE; py++) {
        const row = (y + QUIET) * SCALE + py;
        for (let px = 0; px < SCALE; px++) {
          const offset = (row * width + (x + QUIET) * SCALE + px) * 4;
          data[offset] = data[offset + 1] = data[offset + 2] = 0;
        }
      }
    }
  }
  return { data, width };
}

export function decode(matrix: QrMatrix): QRCode | null {
  const { data, width } = renderRgba(matrix);
  return jsQR(data, width, width, { inversionAttempts: 'dontInvert' });
}
