import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as dicomParser from 'dicom-parser';
import { decodeJpegDct, UnsupportedJpegError } from './jpeg-dct.ts';

const corpus = '/work/shared/dicom-corpus';
const hasCorpus = existsSync(join(corpus, 'manifest.json'));

interface ManifestFile {
  path: string;
  first_frame_stats?: { min: number; max: number; mean: number } | null;
}

/** The first frame's JPEG stream, as the loader's compressed frame data gives it. */
function firstFrame(path: string): Uint8Array {
  const buffer = readFileSync(path);
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  const dataSet = dicomParser.parseDicom(bytes);
  const element = dataSet.elements.x7fe00010!;
  // A single frame: all fragments together (the file has an empty Basic Offset Table).
  return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, element.fragments!.length);
}

describe('decodeJpegDct', () => {
  it.skipIf(!hasCorpus)('decodes JPEG Extended 12-bit (pydicom JPGExtended.dcm) to the reference values', () => {
    const manifest = JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as { files: ManifestFile[] };
    const want = manifest.files.find((f) => f.path.endsWith('pydicom__JPGExtended.dcm'))!.first_frame_stats!;
    const image = decodeJpegDct(firstFrame(join(corpus, 'pydicom__JPGExtended.dcm')));
    expect(image.precision).toBe(12);
    expect([image.width, image.height]).toEqual([256, 1024]);
    const at = (row: number, column: number) => image.samples[row * image.width + column];
    // pydicom's own test values for this file (row, column).
    expect(at(420, 140)).toBe(244);
    expect(at(230, 120)).toBe(95);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of image.samples) {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    const mean = sum / image.samples.length;
    // The same IDCT as the reference decoder (GDCM's libjpeg): the same values, the mean rounded to 2 decimals there.
    expect(min).toBe(want.min);
    expect(max).toBe(want.max);
    expect(Math.abs(mean - want.mean)).toBeLessThan(0.005);
  });

  it('leaves what it does not decode (progressive) to the caller', () => {
    const progressive = new Uint8Array([0xff, 0xd8, 0xff, 0xc2, 0x00, 0x0b, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00, 0xff, 0xd9]);
    expect(() => decodeJpegDct(progressive)).toThrow(UnsupportedJpegError);
  });
});
