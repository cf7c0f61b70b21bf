// Uncompressed YBR_FULL_422 (PS3.3 C.7.6.3.1.2): two pixels share one Cb and
// one Cr, stored Y1 Y2 Cb Cr. The DICOM image loader decides whether to
// convert colour by comparing the frame's length with a 4:2:0 size, so a true
// 4:2:2 frame is drawn unconverted (and, being two thirds of the expected
// length, as a black square). Such frames are expanded here to YBR_FULL, which
// the loader converts to RGB correctly; its pixel module is answered as
// YBR_FULL for those images only.
import { metaData } from '@cornerstonejs/core';
import { Enums as MetadataEnums } from '@cornerstonejs/metadata';

const UNCOMPRESSED = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2']);

interface PixelModule {
  photometricInterpretation?: string;
  bitsAllocated?: number;
  samplesPerPixel?: number;
  rows?: number;
  columns?: number;
  planarConfiguration?: number;
}

/** Images whose pixel module is answered as expanded YBR_FULL. */
const expanded = new Map<string, PixelModule>();
let registered = false;

function provider(type: string, imageId: unknown): unknown {
  if (type !== 'imagePixelModule' || typeof imageId !== 'string') return undefined;
  return expanded.get(imageId);
}

/** The frame as YBR_FULL when it is an uncompressed 8-bit 4:2:2 one; null otherwise. */
export function expandYbr422(imageId: string, frameIndex: number): { pixelData: Uint8Array; transferSyntaxUid: string } | null {
  const module = (expanded.get(imageId) ? null : metaData.get('imagePixelModule', imageId)) as PixelModule | null | undefined;
  if (!module || module.photometricInterpretation !== 'YBR_FULL_422' || module.bitsAllocated !== 8) return null;
  const frame = metaData.getTyped(MetadataEnums.MetadataModules.COMPRESSED_FRAME_DATA, imageId, { frameIndex }) as
    | { pixelData: ArrayBuffer | Uint8Array | (ArrayBuffer | Uint8Array)[]; transferSyntaxUid: string }
    | undefined;
  if (!frame || !UNCOMPRESSED.has(frame.transferSyntaxUid)) return null;
  const first = Array.isArray(frame.pixelData) ? frame.pixelData[0] : frame.pixelData;
  if (!first) return null;
  const source = first instanceof Uint8Array ? first : new Uint8Array(first);
  const rows = module.rows ?? 0;
  const columns = module.columns ?? 0;
  if (columns % 2 !== 0 || source.length < 2 * rows * columns) return null;
  const pixels = rows * columns;
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, o = 0; o < out.length; i += 4, o += 6) {
    const cb = source[i + 2]!;
    const cr = source[i + 3]!;
    out[o] = source[i]!;
    out[o + 1] = cb;
    out[o + 2] = cr;
    out[o + 3] = source[i + 1]!;
    out[o + 4] = cb;
    out[o + 5] = cr;
  }
  if (!registered) {
    // Above the typed providers (bridged at -1000): consulted first, answers only for these images.
    metaData.addProvider(provider as never, 10_000);
    registered = true;
  }
  expanded.set(imageId, { ...module, photometricInterpretation: 'YBR_FULL', planarConfiguration: 0 });
  return { pixelData: out, transferSyntaxUid: frame.transferSyntaxUid };
}

export function purgeYbr422(): void {
  expanded.clear();
}
