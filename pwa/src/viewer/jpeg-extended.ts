// JPEG Extended (1.2.840.10008.1.2.4.51) frames with more than 8 bits
// stored are decoded here, before Cornerstone sees them: its decoder for
// that syntax level-shifts 12-bit samples with 8-bit constants (see
// jpeg-dct.ts) and shows every pixel ~15 too bright. The decoded samples are
// handed over as explicit VR little endian pixel data, which the DICOM image
// loader takes as they are (the way ybr-422.ts hands over its frames). An
// 8-bit frame, or one this decoder does not handle (several components,
// another process), is left to Cornerstone.
import { metaData } from '@cornerstonejs/core';
import { Enums as MetadataEnums } from '@cornerstonejs/metadata';
import { decodeJpegDct, UnsupportedJpegError } from './jpeg-dct.ts';

const JPEG_EXTENDED = '1.2.840.10008.1.2.4.51';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

interface PixelModule {
  bitsAllocated?: number;
  bitsStored?: number;
  samplesPerPixel?: number;
  pixelRepresentation?: number;
  rows?: number;
  columns?: number;
}

function joined(parts: (ArrayBuffer | Uint8Array)[]): Uint8Array {
  const views = parts.map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p)));
  if (views.length === 1) return views[0]!;
  const out = new Uint8Array(views.reduce((n, v) => n + v.length, 0));
  let at = 0;
  for (const v of views) {
    out.set(v, at);
    at += v.length;
  }
  return out;
}

/** The frame decoded to little endian samples when it is a >8-bit JPEG Extended one; null otherwise. */
export function decodeJpegExtended(imageId: string, frameIndex: number): { pixelData: Uint8Array; transferSyntaxUid: string } | null {
  const module = metaData.get('imagePixelModule', imageId) as PixelModule | undefined;
  if (!module || (module.bitsStored ?? 0) <= 8 || module.bitsAllocated !== 16 || (module.samplesPerPixel ?? 1) !== 1) return null;
  const frame = metaData.getTyped(MetadataEnums.MetadataModules.COMPRESSED_FRAME_DATA, imageId, { frameIndex }) as
    | { pixelData: ArrayBuffer | Uint8Array | (ArrayBuffer | Uint8Array)[]; transferSyntaxUid: string }
    | undefined;
  if (!frame || frame.transferSyntaxUid !== JPEG_EXTENDED || !frame.pixelData) return null;
  let decoded;
  try {
    decoded = decodeJpegDct(joined(Array.isArray(frame.pixelData) ? frame.pixelData : [frame.pixelData]));
  } catch (error) {
    if (error instanceof UnsupportedJpegError) return null;
    throw error;
  }
  if (decoded.width !== module.columns || decoded.height !== module.rows) {
    throw new Error(`The JPEG frame is ${decoded.width}×${decoded.height}, the header says ${module.columns}×${module.rows}.`);
  }
  let samples: Uint16Array | Int16Array = decoded.samples;
  if (module.pixelRepresentation === 1) {
    // Signed pixel data: the JPEG holds the stored bits as they are; extend the sign from Bits Stored.
    const bits = module.bitsStored!;
    const signed = new Int16Array(decoded.samples.length);
    for (let i = 0; i < signed.length; i++) signed[i] = (decoded.samples[i]! << (32 - bits)) >> (32 - bits);
    samples = signed;
  }
  // Typed arrays are little endian on every platform a browser runs on.
  return { pixelData: new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength), transferSyntaxUid: EXPLICIT_LE };
}
