// What crosses comlink's boundary: a VaultError arrives as a plain Error
// whose name still carries the code, and vaultErrorCode reads it.
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { vaultErrorCode } from '../vault/index.ts';
import type { VaultApi } from '../vault/vault-api.ts';
import { createHarness, type Harness } from '../vault/_test-harness.ts';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
});

describe('the vault behind comlink', () => {
  it('answers calls and carries error codes and messages across', async () => {
    h = createHarness();
    const { vault } = h.openVault();
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(vault, port1 as unknown as Comlink.Endpoint);
    const remote = Comlink.wrap<VaultApi>(port2 as unknown as Comlink.Endpoint);
    expect((await remote.status()).enrolled).toBe(false);
    let error: unknown = null;
    try {
      await remote.unlock({ name: 'Ada', password: 'whatever pw' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toHaveProperty('code');
    expect(vaultErrorCode(error)).toBe('not_enrolled');
    expect((error as Error).message).toMatch(/not set up yet/);
    remote[Comlink.releaseProxy]();
    port1.close();
    port2.close();
  });
});
