import { vaultErrorCode } from '../vault/index.ts';
import type { VaultErrorCode } from '../vault/vault-api.ts';

export interface Failure {
  code: VaultErrorCode | null;
  /** Readable text for the person who acted. */
  message: string;
}

const FALLBACK: Partial<Record<VaultErrorCode, string>> = {
  wrong_password: 'The password is not right. Check Caps Lock and try again.',
  offline: 'The server cannot be reached. Check the connection and try again.',
  quota: 'Storage is full: nothing more can be saved until space is freed.',
  locked: 'The vault was locked. Unlock it again to continue.',
  forbidden: 'Your role does not allow this.',
};

/** Turns whatever a vault call threw into something to show beside the control that started it. */
export function describeFailure(error: unknown): Failure {
  const code = vaultErrorCode(error);
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  // Comlink re-creates worker errors as plain Errors; their message is the vault's own text.
  const message = raw.trim() || (code && FALLBACK[code]) || 'Something went wrong. Please try again.';
  return { code, message };
}
