// Paths as the import shows and matches them: '/'-separated, relative, no
// empty or '.' components.

/** Splits on '/' and '\' (Windows tools write either into ZIPs) and drops empty and '.' components. */
export function splitPath(path: string): string[] {
  return path.split(/[/\\]+/).filter((part) => part !== '' && part !== '.');
}

export function normaliseSourcePath(path: string): string {
  return splitPath(path).join('/');
}

export function joinPath(parent: string, child: string): string {
  return parent === '' ? child : child === '' ? parent : `${parent}/${child}`;
}

export function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

export function dirName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

// What operating systems leave in folders and archives beside the user's
// files: Finder's metadata and resource forks, Windows' thumbnail caches,
// volume bookkeeping on USB sticks. Listing them as failures would bury the
// real ones.
const JUNK_FOLDERS = new Set(['__macosx', '.spotlight-v100', '.trashes', '.fseventsd', '$recycle.bin', 'system volume information']);
const JUNK_FILES = new Set(['.ds_store', 'thumbs.db', 'ehthumbs.db', 'desktop.ini']);

/** Whether a normalised path is operating-system clutter, skipped without a word. */
export function isJunkPath(path: string): boolean {
  const parts = path.split('/');
  const name = (parts.pop() ?? '').toLowerCase();
  if (JUNK_FILES.has(name) || name.startsWith('._')) return true;
  return parts.some((part) => JUNK_FOLDERS.has(part.toLowerCase()));
}
