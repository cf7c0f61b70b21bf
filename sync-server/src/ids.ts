import { toBase64Url } from '../../crypto/index.ts';
import type { ServerDeps } from './deps.ts';

/** Server-issued IDs: prefix + 22 base64url characters of fresh randomness (132 bits). */
export function newId(deps: Pick<ServerDeps, 'random'>, prefix: 'fac' | 'mem' | 'dev'): string {
  return `${prefix}_${toBase64Url(deps.random(17)).slice(0, 22)}`;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
