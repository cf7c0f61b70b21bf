import { createContext, useCallback, useContext, useRef, useState } from 'react';
import type { Remote } from 'comlink';
import type { VaultApi } from '../vault/vault-api.ts';
import { describeFailure } from './errors.ts';
import type { Failure } from './errors.ts';

export type Vault = Remote<VaultApi>;

interface VaultContextValue {
  vault: Vault;
  /**
   * Every failed vault call passes through here: it becomes readable text for
   * the place the user acted, and a lost session or a full disk also reaches
   * the app as a whole (locked screen, quota banner).
   */
  fail(error: unknown): Failure;
}

const VaultContext = createContext<VaultContextValue | null>(null);

export const VaultProvider = VaultContext.Provider;

export function useVault(): VaultContextValue {
  const value = useContext(VaultContext);
  if (!value) throw new Error('useVault outside <VaultProvider>');
  return value;
}

export interface Action<A extends unknown[], R> {
  /** Resolves to the answer, or undefined after a failure (already shown as `error`). */
  run(...args: A): Promise<R | undefined>;
  busy: boolean;
  error: Failure | null;
  setError(error: Failure | null): void;
}

/**
 * One user action against the vault: busy while it runs, its failure kept
 * for display. Never rejects, so no click can end in an unhandled rejection.
 */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const { fail } = useVault();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Failure | null>(null);
  const latest = useRef(fn);
  latest.current = fn;
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setBusy(true);
      setError(null);
      try {
        return await latest.current(...args);
      } catch (e) {
        setError(fail(e));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [fail],
  );
  return { run, busy, error, setError };
}
