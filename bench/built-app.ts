// The built web app the app and viewer suites measure: rebuilt when older
// than its sources (scripts/start.mjs's rule), so figures are of the current code.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = new URL('../', import.meta.url).pathname;
export const DIST = join(REPO, 'dist', 'pwa');

function newestModification(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path)
    .filter((e) => e !== 'node_modules')
    .reduce((newest, e) => Math.max(newest, newestModification(join(path, e))), stats.mtimeMs);
}

export function ensureBuilt(): void {
  const built = join(DIST, 'index.html');
  const inputs = ['pwa', 'crypto', 'protocol', 'vite.config.ts', 'package-lock.json'].map((p) => join(REPO, p));
  if (existsSync(built) && !inputs.some((p) => newestModification(p) > statSync(built).mtimeMs)) return;
  console.error('  building the web app (dist/pwa is older than its sources)…');
  const r = spawnSync(process.execPath, [join(REPO, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('vite build failed');
}
