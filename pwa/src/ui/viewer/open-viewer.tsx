// How a study list asks the workspace to open the viewer. This file imports
// no viewer code: the viewer and Cornerstone load only when it opens (or in
// the background after unlock, see preloadViewer).
import { createContext, useContext } from 'react';

/** Opens the full-screen viewer on a study; null where no viewer can be opened. */
export type OpenViewer = (studyId: string) => void;

const OpenViewerContext = createContext<OpenViewer | null>(null);

export const OpenViewerProvider = OpenViewerContext.Provider;

export function useOpenViewer(): OpenViewer | null {
  return useContext(OpenViewerContext);
}

/**
 * Work the open viewer must finish before the vault locks: its measurements
 * not yet saved (the save is debounced). Set by the viewer screen while it is
 * open; the workspace runs it before every lock it starts.
 */
let beforeLock: (() => Promise<void>) | null = null;

export function setViewerBeforeLock(run: (() => Promise<void>) | null): void {
  beforeLock = run;
}

/**
 * Runs the viewer's pending work, for at most `limitMs`: a save that hangs
 * must not keep the app unlocked.
 */
export async function finishViewerBeforeLock(limitMs = 3_000): Promise<void> {
  const run = beforeLock;
  if (!run) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    run().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, limitMs);
    }),
  ]);
  clearTimeout(timer);
}

/** The viewer's chunk; importing it twice fetches it once. */
export const loadViewerScreen = () => import('./viewer-screen.tsx');

/**
 * Fetches the viewer's code while nobody is waiting for it, so a study opens
 * at once later; an idle callback keeps it out of the way of the first
 * search after unlock.
 */
export function preloadViewer(): () => void {
  const load = () => {
    // A failed fetch (offline before the first visit finished) is retried when the viewer opens.
    loadViewerScreen().catch(() => {});
  };
  if ('requestIdleCallback' in window) {
    const handle = window.requestIdleCallback(load, { timeout: 5_000 });
    return () => window.cancelIdleCallback(handle);
  }
  const timer = setTimeout(load, 2_000);
  return () => clearTimeout(timer);
}
