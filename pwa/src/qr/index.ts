/**
 * QR code encoder (ISO/IEC 18004, Model 2) for the Recovery Kit and any other
 * short text the app shows for a second device to scan.
 *
 * Written here rather than taken from a package because it handles recovery
 * secrets: a few hundred lines with no dependencies are easier to audit than
 * a supply chain. Byte mode only: payloads are UTF-8 text, and the other
 * modes would save a few modules at the cost of more code to trust.
 *
 * Pure: no DOM, no Node APIs, so it runs in the page, a worker or a test.
 */
import { _bestSymbol } from './_symbol.ts';
import { _byteCapacity, _chooseVersion, _dataCodewords, _utf8 } from './_data.ts';
import { _svgPath, type QrSvgPath } from './_svg.ts';
import { _LEVELS, _MAX_VERSION, type ErrorCorrectionLevel } from './_tables.ts';

export type { ErrorCorrectionLevel, QrSvgPath };

export interface QrMatrix {
  /** Modules per side: 21 for version 1 up to 177 for version 40. */
  readonly size: number;
  /** Row-major, size * size entries, 1 = dark, 0 = light. No quiet zone. */
  readonly modules: Uint8Array;
}

export interface QrOptions {
  /** Recovery share per level: L ~7%, M ~15% (default), Q ~25%, H ~30%. */
  readonly errorCorrection?: ErrorCorrectionLevel;
}

/** Details of an encoding, for callers and tests that want more than modules. */
export interface QrEncoding extends QrMatrix {
  readonly version: number;
  readonly errorCorrection: ErrorCorrectionLevel;
  readonly mask: number;
}

/**
 * Encodes text as the smallest QR symbol that holds it at the requested
 * level. Throws RangeError if even version 40 is too small.
 */
export function encodeQr(text: string, options: QrOptions = {}): QrEncoding {
  const level = options.errorCorrection ?? 'M';
  if (!_LEVELS.includes(level)) {
    throw new RangeError(`error correction must be one of ${_LEVELS.join(', ')}, got ${String(level)}`);
  }
  const payload = _utf8(text);
  const version = _chooseVersion(payload.length, level);
  if (version === null) {
    throw new RangeError(
      `text is too long for a QR code: ${payload.length} bytes of UTF-8, ` +
        `but error correction level ${level} holds at most ${_byteCapacity(_MAX_VERSION, level)} bytes`,
    );
  }
  const { grid, mask } = _bestSymbol(_dataCodewords(payload, version, level), version, level);
  return { size: grid.size, modules: grid.modules, version, errorCorrection: level, mask };
}

/**
 * The matrix as an SVG path, for
 * `<svg viewBox={viewBox} shapeRendering="crispEdges"><path d={path} /></svg>`.
 * The margin is the quiet zone in modules; the spec asks for 4, and readers
 * struggle with less when the code sits on a busy background.
 */
export function qrToSvgPath(matrix: QrMatrix, options: { margin?: number } = {}): QrSvgPath {
  return _svgPath(matrix, options.margin ?? 4);
}
