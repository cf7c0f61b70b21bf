import type { VaultErrorCode } from './vault-api.ts';

const PREFIX = 'VaultError:';

/**
 * An error the UI shows as it is. Comlink carries only a thrown error's name
 * and message across to the UI thread, so the code rides in `name`
 * ('VaultError:wrong_password') and `message` is a sentence for people.
 */
export class VaultError extends Error {
  readonly code: VaultErrorCode;

  constructor(code: VaultErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = `${PREFIX}${code}`;
  }
}

const CODES: readonly VaultErrorCode[] = [
  'wrong_password',
  'not_enrolled',
  'locked',
  'forbidden',
  'offline',
  'server',
  'quota',
  'invalid',
];

/** The code of a VaultError (also one that crossed from the worker as a plain Error), or null. */
export function vaultErrorCode(error: unknown): VaultErrorCode | null {
  if (typeof error !== 'object' || error === null) return null;
  const name = (error as { name?: unknown }).name;
  if (typeof name !== 'string' || !name.startsWith(PREFIX)) return null;
  const code = name.slice(PREFIX.length) as VaultErrorCode;
  return CODES.includes(code) ? code : null;
}
