// The stored values of the image on screen, for the "Image information"
// panel: the smallest, largest and mean stored value of the current frame,
// as the file holds them (before Rescale Slope/Intercept, before any colour
// conversion), which a physicist or a support call compares against the
// modality's own figures. The end-to-end tests read the same panel to check
// every transfer syntax decodes to the values an independent decoder found.
import { Enums, cache, getWebWorkerManager } from '@cornerstonejs/core';
import { getImageFrame } from '@cornerstonejs/dicom-image-loader';
import { Enums as MetadataEnums } from '@cornerstonejs/metadata';
import { metaData } from '@cornerstonejs/core';
import { parseKuraImageId } from './image-ids.ts';

export interface PixelStats {
  min: number;
  max: number;
  mean: number;
  /**
   * How the figures were obtained:
   * 'stored'  the decoded samples the viewport draws (rescale undone): exact;
   * 'palette' the palette indices, decoded again by the same worker and codec
   *           without the palette lookup: exact;
   * 'ybr'     YCbCr recomputed from the RGB the viewport draws (BT.601 full
   *           range, PS3.3 C.7.6.3.1.2): within rounding of the stored values.
   */
  method: 'stored' | 'palette' | 'ybr';
  samples: number;
}

interface ScalingParameters {
  rescaleSlope?: number;
  rescaleIntercept?: number;
  suvbw?: number;
  doseGridScaling?: number;
  modality?: string;
}

/** Maps a rescaled value back to the stored one: the inverse of the decoder's scaleArray. */
function unscaler(parameters: ScalingParameters | undefined): (v: number) => number {
  if (!parameters) return (v) => v;
  const slope = parameters.rescaleSlope ?? 1;
  const intercept = parameters.rescaleIntercept ?? 0;
  if (parameters.modality === 'PT' && typeof parameters.suvbw === 'number' && !Number.isNaN(parameters.suvbw)) {
    const suvbw = parameters.suvbw;
    return (v) => (v / suvbw - intercept) / slope;
  }
  if (parameters.modality === 'RTDOSE' && typeof parameters.doseGridScaling === 'number') {
    const scaling = parameters.doseGridScaling;
    return (v) => v / scaling;
  }
  return (v) => (v - intercept) / slope;
}

function summarise(data: ArrayLike<number>, method: PixelStats['method']): PixelStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, mean: sum / data.length, method, samples: data.length };
}

interface CachedImage {
  color?: boolean;
  columns: number;
  rows: number;
  getPixelData(): ArrayLike<number>;
  preScale?: { scaled?: boolean; scalingParameters?: ScalingParameters };
  imageFrame?: { photometricInterpretation?: string; preScale?: { scaled?: boolean; scalingParameters?: ScalingParameters } };
}

/** Palette colour: the indices, decoded again in the decode worker without the lookup. */
async function paletteIndexStats(imageId: string): Promise<PixelStats | null> {
  const ref = parseKuraImageId(imageId);
  const frameIndex = ref?.frame ? ref.frame - 1 : 0;
  const frame = metaData.getTyped(MetadataEnums.MetadataModules.COMPRESSED_FRAME_DATA, imageId, { frameIndex }) as
    | { pixelData: ArrayBuffer | Uint8Array | (ArrayBuffer | Uint8Array)[]; transferSyntaxUid: string }
    | undefined;
  if (!frame) return null;
  const parts = (Array.isArray(frame.pixelData) ? frame.pixelData : [frame.pixelData]).map((p) =>
    p instanceof Uint8Array ? p : new Uint8Array(p),
  );
  const pixelData = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    pixelData.set(p, offset);
    offset += p.length;
  }
  const imageFrame = { ...getImageFrame(imageId) } as Record<string, unknown>;
  for (const key of Object.keys(imageFrame)) {
    if (typeof imageFrame[key] === 'function' || imageFrame[key] instanceof Promise) delete imageFrame[key];
  }
  const decoded = (await getWebWorkerManager().executeTask(
    'dicomImageLoader',
    'decodeTask',
    { imageFrame, transferSyntax: frame.transferSyntaxUid, pixelData, options: { preScale: { enabled: false } }, decodeConfig: {} },
    { requestType: Enums.RequestType.Thumbnail },
  )) as { pixelData: ArrayLike<number> };
  return summarise(decoded.pixelData, 'palette');
}

/** YCbCr from displayed RGB(A): the inverse of the loader's YBR_FULL conversion. */
function ybrStats(data: ArrayLike<number>, pixels: number): PixelStats {
  const step = data.length >= pixels * 4 ? 4 : 3;
  const samples = new Float64Array(pixels * 3);
  const clamp = (v: number) => Math.min(255, Math.max(0, Math.round(v)));
  for (let i = 0, j = 0; j < pixels; i += step, j++) {
    const r = data[i]!;
    const g = data[i + 1]!;
    const b = data[i + 2]!;
    samples[3 * j] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
    samples[3 * j + 1] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
    samples[3 * j + 2] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
  }
  return summarise(samples, 'ybr');
}

/**
 * Stats of the current frame of `imageId`, or null when it is not (or no
 * longer) decoded. Reads Cornerstone's cache; decodes nothing except a
 * palette image's indices.
 */
export async function pixelStats(imageId: string): Promise<PixelStats | null> {
  const image = cache.getImage(imageId) as unknown as CachedImage | undefined;
  if (!image) return null;
  const photometric = image.imageFrame?.photometricInterpretation ?? '';
  if (photometric === 'PALETTE COLOR') return paletteIndexStats(imageId);
  // The decoded array itself: the CPU path may swap the voxel manager's data
  // for a 16-bit copy of a float image, but getPixelData keeps the original.
  const data = image.getPixelData();
  if (!data || data.length === 0) return null;
  const pixels = image.columns * image.rows;
  if (image.color) {
    if (photometric.startsWith('YBR_FULL')) return ybrStats(data, pixels);
    // RGB (and YBR_RCT/ICT, which the JPEG 2000 codec returns as RGB): samples without alpha.
    const step = data.length >= pixels * 4 ? 4 : 3;
    const rgb = new Uint8Array(pixels * 3);
    for (let i = 0, j = 0; j < pixels; i += step, j++) {
      rgb[3 * j] = data[i]!;
      rgb[3 * j + 1] = data[i + 1]!;
      rgb[3 * j + 2] = data[i + 2]!;
    }
    return summarise(rgb, 'stored');
  }
  const raw = summarise(data, 'stored');
  // The frame's own record of how it was scaled (the CPU path rewrites image.preScale).
  const preScale = image.imageFrame?.preScale ?? image.preScale;
  if (!preScale?.scaled) return raw;
  const unscale = unscaler(preScale.scalingParameters);
  // The map is increasing for a positive slope; a negative one swaps the ends.
  const a = unscale(raw.min);
  const b = unscale(raw.max);
  return { ...raw, min: Math.min(a, b), max: Math.max(a, b), mean: unscale(raw.mean) };
}
