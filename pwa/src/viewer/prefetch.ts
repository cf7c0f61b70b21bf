// Loads a stack ahead in the background once its first image is shown, so a
// first scroll through it finds the slices decoded instead of reading,
// decrypting and decoding each one when it is reached (~15 ms plus a frame).
//
// Nearest slices first, around wherever the stack is now (re-centred as it
// moves), and only as many as the image cache can hold beside the other
// viewports: past that, Cornerstone's cache would evict slices just
// prefetched to make room for the next ones. Requests go through
// Cornerstone's image load pool as 'prefetch', which starts them only when
// no image a viewport is waiting for ('interaction') is queued.
//
// Not @cornerstonejs/tools' stackPrefetch (5.14): its disable() removes a
// newly made IMAGE_CACHE_IMAGE_REMOVED listener, not the one enable() added
// (getPromiseRemovedHandler returns a new closure each call), so every stack
// shown would leave a listener on the global event target holding its
// viewport element; and its re-centring timer and configuration are shared by
// all viewports, so two stacks side by side cancel each other's.
import { Enums, cache, imageLoadPoolManager, imageLoader } from '@cornerstonejs/core';

const PREFETCH = Enums.RequestType.Prefetch;
/** Below the default 0 of interaction and thumbnail requests; only the order within 'prefetch' uses it. */
const PRIORITY = 0;

/**
 * Prefetch loads in flight at once, for all viewports. One slice costs a read
 * and decrypt in the vault worker and a decode in a decode worker; two in
 * flight keep both busy, and a slice the user scrolls to waits behind at most
 * two (the pool's default, 1000, would queue the whole stack in the vault
 * worker ahead of it).
 */
export const PREFETCH_IN_FLIGHT = 2;

/** How often a moving stack re-centres its prefetch (ms): often enough to follow a scroll, not at every frame. */
const RECENTRE_MS = 100;

/** Bumped by clearAllPrefetch: a stack started before it queues nothing more (a re-centring timer after a lock). */
let epoch = 0;

export class StackPrefetch {
  #epoch = epoch;
  #imageIds: string[] = [];
  #queued = new Set<string>();
  #center = 0;
  #limit = 0;
  #active = false;
  #timer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Starts prefetching `imageIds` around `index`, at most `maxImages` of
   * them (the one shown included). Replaces what this stack prefetched before.
   */
  start(imageIds: string[], index: number, maxImages: number): void {
    this.stop();
    if (imageIds.length < 2 || maxImages < 2) return;
    this.#imageIds = imageIds.slice();
    this.#limit = Math.min(maxImages, imageIds.length);
    this.#active = true;
    this.#epoch = epoch;
    this.#center = index;
    this.#queue();
  }

  /** The cache share of this stack changed (a viewport was added or removed beside it). */
  setLimit(maxImages: number): void {
    if (!this.#active) return;
    const limit = Math.min(maxImages, this.#imageIds.length);
    if (limit === this.#limit) return;
    this.#limit = limit;
    this.#queue();
  }

  /** The stack moved to `index`: the nearest slices to it come first from now on. */
  moveTo(index: number): void {
    if (!this.#active || index === this.#center) return;
    this.#center = index;
    this.#timer ??= setTimeout(() => {
      this.#timer = null;
      this.#queue();
    }, RECENTRE_MS);
  }

  /** Drops every queued request of this stack; the ones in flight finish into the cache (or fail after a purge). */
  stop(): void {
    this.#active = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#dequeue();
    this.#imageIds = [];
  }

  #dequeue(): void {
    if (this.#queued.size === 0) return;
    const mine = this.#queued;
    imageLoadPoolManager.filterRequests(
      (request) => request.type !== PREFETCH || !mine.has((request.additionalDetails as { imageId?: string } | undefined)?.imageId ?? ''),
    );
    this.#queued = new Set();
  }

  /** The `limit` slices nearest the centre, nearest first (ahead before behind at equal distance). */
  #window(): string[] {
    const ids = this.#imageIds;
    const out: string[] = [];
    for (let d = 0; out.length < this.#limit && (this.#center + d < ids.length || this.#center - d >= 0); d++) {
      const ahead = ids[this.#center + d];
      if (ahead !== undefined) out.push(ahead);
      const behind = d > 0 ? ids[this.#center - d] : undefined;
      if (behind !== undefined && out.length < this.#limit) out.push(behind);
    }
    return out;
  }

  #queue(): void {
    this.#dequeue();
    if (!this.#active || this.#epoch !== epoch) return;
    const queued = this.#queued;
    for (const imageId of this.#window()) {
      // Loaded, or loading (the viewport's own request, or one of ours in flight).
      if (cache.getImageLoadObject(imageId)) continue;
      queued.add(imageId);
      imageLoadPoolManager.addRequest(
        () => {
          queued.delete(imageId);
          // A slice the viewport reached in the meantime is already loading; do not ask twice.
          if (!this.#active || this.#epoch !== epoch || cache.getImageLoadObject(imageId)) return Promise.resolve();
          return imageLoader.loadAndCacheImage(imageId, { priority: PRIORITY, requestType: PREFETCH }).then(
            () => undefined,
            // A slice that fails is shown with its reason when the stack reaches it, not here.
            () => undefined,
          );
        },
        PREFETCH,
        { imageId },
        PRIORITY,
      );
    }
  }
}

/** Every stack's queued prefetch dropped at once (a lock, the viewer closing). */
export function clearAllPrefetch(): void {
  epoch++;
  imageLoadPoolManager.clearRequestStack(PREFETCH);
}
