import { utilities } from '@cornerstonejs/core';
import { currentRenderPath } from './setup.ts';

/**
 * Thumbnails are drawn one at a time, after the viewports' own images: on a
 * two-core tablet, eight series decoding at once would delay the image the
 * radiologist opened the study for.
 */
let queue: Promise<unknown> = Promise.resolve();

/** Draws one image into a 256x256 canvas; rejects when it cannot be decoded. */
export function drawThumbnail(canvas: HTMLCanvasElement, imageId: string, isCancelled: () => boolean): Promise<void> {
  const draw = async () => {
    if (isCancelled()) return;
    await utilities.loadImageToCanvas({
      canvas,
      imageId,
      thumbnail: true,
      useCPURendering: currentRenderPath() === 'cpu',
    });
  };
  const done = queue.then(draw, draw);
  queue = done.catch(() => {});
  return done;
}
