// The 'kura:' image loader: pixels come from the encrypted local store, never
// from a URL. When a stack reaches an image, the instance's original file is
// decrypted by the vault worker and handed over (transferred, not copied);
// the DICOM image loader then parses it once (naturalized metadata, which
// also answers every metadata module Cornerstone and the tools ask for:
// imagePlaneModule, imagePixelModule, voiLutModule, modalityLutModule,
// generalSeriesModule...), and decodes each frame in its own web workers with
// its WASM codecs. Frames of one instance share the one parsed file.
import { Enums, metaData, registerImageLoader } from '@cornerstonejs/core';
import type { Types } from '@cornerstonejs/core';
import { createImage, wadouri } from '@cornerstonejs/dicom-image-loader';
import { Enums as MetadataEnums, utilities as metadataUtilities } from '@cornerstonejs/metadata';
import { inflateIfDeflated } from './deflated.ts';
import { KURA_SCHEME, parseKuraImageId } from './image-ids.ts';
import { decodeJpegExtended } from './jpeg-extended.ts';
import { expandYbr422, purgeYbr422 } from './ybr-422.ts';

/** Reads one instance's original DICOM file (decrypted) from the local store. */
export type InstanceReader = (studyId: string, sopInstanceUid: string) => Promise<Uint8Array>;

let reader: InstanceReader | null = null;
/** Bumped by every purge, so a read that finishes after a lock is dropped, not cached. */
let generation = 0;
const parsing = new Map<string, Promise<void>>();
/** Instances whose file is parsed and held in the metadata caches (for viewerMemory). */
const parsed = new Set<string>();

export class ViewerClosedError extends Error {
  constructor() {
    super('The viewer was closed.');
    this.name = 'ViewerClosedError';
  }
}

/**
 * Every failure of a 'kura:' image. The viewport shows it in words; and
 * Cornerstone's cache re-throws a failed load on a promise nobody awaits
 * (cache.putImageLoadObject), which would otherwise surface as an unhandled
 * rejection for an error already shown.
 */
export class ImageLoadError extends Error {
  constructor(cause: unknown) {
    super(messageOf(cause), { cause });
    this.name = 'ImageLoadError';
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'error' in error) return messageOf((error as { error: unknown }).error);
  return String(error);
}

function ignoreShownFailures(event: PromiseRejectionEvent): void {
  if (event.reason instanceof ImageLoadError) event.preventDefault();
}

export function setInstanceReader(next: InstanceReader | null): void {
  reader = next;
}

function isParsed(baseImageId: string): boolean {
  return metaData.get(MetadataEnums.MetadataModules.NATURALIZED, baseImageId) !== undefined;
}

/** Reads and parses an instance once, however many of its frames are asked for at the same time. */
function ensureInstance(baseImageId: string, studyId: string, sopInstanceUid: string): Promise<void> {
  if (isParsed(baseImageId)) return Promise.resolve();
  const running = parsing.get(baseImageId);
  if (running) return running;
  const started = generation;
  const work = (async () => {
    if (!reader) throw new ViewerClosedError();
    const bytes = await inflateIfDeflated(await reader(studyId, sopInstanceUid));
    if (started !== generation) throw new ViewerClosedError();
    // The worker transferred a buffer of exactly this file; pass it without another copy.
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    await metadataUtilities.addDicomPart10Instance(baseImageId, whole ? (bytes.buffer as ArrayBuffer) : bytes);
    if (started !== generation) {
      metadataUtilities.clearCacheData();
      throw new ViewerClosedError();
    }
    parsed.add(baseImageId);
  })();
  parsing.set(baseImageId, work);
  const forget = () => {
    if (parsing.get(baseImageId) === work) parsing.delete(baseImageId);
  };
  work.then(forget, forget);
  return work;
}

function loadKuraImage(imageId: string, options?: Record<string, unknown>): Types.IImageLoadObject {
  const ref = parseKuraImageId(imageId);
  const started = generation;
  const promise = (async (): Promise<Types.IImage> => {
    try {
      if (!ref) throw new Error(`Not an image of this archive: ${imageId}`);
      await ensureInstance(ref.baseImageId, ref.studyId, ref.sopInstanceUid);
      const frameIndex = ref.frame ? ref.frame - 1 : 0;
      // Frames Cornerstone would decode wrongly are fixed first and handed over decoded.
      const fixed = expandYbr422(imageId, frameIndex) ?? decodeJpegExtended(imageId, frameIndex);
      let image: Types.IImage;
      if (fixed) {
        image = (await createImage(imageId, fixed.pixelData, fixed.transferSyntaxUid, { ...(options ?? {}) })) as Types.IImage;
        image.imageQualityStatus = Enums.ImageQualityStatus.FULL_RESOLUTION;
      } else {
        image = (await wadouri.loadImageFromNaturalizedMetadata(imageId, options ?? {}).promise) as Types.IImage;
      }
      // Decoded after a lock or a close (a prefetch in flight): not handed to anything.
      if (started !== generation) throw new ViewerClosedError();
      return image;
    } catch (error) {
      throw error instanceof ImageLoadError ? error : new ImageLoadError(error);
    }
  })();
  return { promise } as Types.IImageLoadObject;
}

export function registerKuraLoader(): void {
  registerImageLoader(KURA_SCHEME, loadKuraImage as never);
  // For the page's life, not only while a reader is set: a load in flight at a
  // lock or a close (a prefetch) fails after the reader is gone, with nothing
  // to show it on.
  window.removeEventListener('unhandledrejection', ignoreShownFailures);
  window.addEventListener('unhandledrejection', ignoreShownFailures);
}

/** Drops every parsed file and its metadata (the lock, or leaving the viewer). */
export function purgeParsedInstances(): void {
  generation++;
  parsing.clear();
  parsed.clear();
  metadataUtilities.clearCacheData();
  purgeYbr422();
}

/** How many instances are parsed and held with their metadata now. */
export function parsedInstanceCount(): number {
  return parsed.size;
}
