import { describe, expect, it } from 'vitest';
import { withAccessQueue, type MetaStoreWithoutQueue } from './access-queue.ts';
import type { AccessEntryRow } from './contract.ts';

// The queue over a fake adapter whose writes can be made to fail. The SQLite
// adapter's timer, batch and close are tested in sqlite/sqlite-store.test.ts,
// the ordering in the contract suite.

function entry(i: number, action = 'blob.download'): AccessEntryRow {
  return { facilityId: 'fac', at: i, action, memberId: null, deviceId: null, subject: String(i), address: null };
}

function fakeStore() {
  const written: AccessEntryRow[] = [];
  const state = { failing: false, writes: 0, closed: false };
  const store = {
    async appendAccessEntries(entries: readonly AccessEntryRow[]) {
      if (state.failing) throw new Error('disk full');
      state.writes += 1;
      written.push(...entries);
    },
    async listAccess() {
      return { entries: written.map((e, id) => ({ ...e, id })).reverse() };
    },
    async close() {
      state.closed = true;
    },
  } as unknown as MetaStoreWithoutQueue;
  return { store, written, state };
}

describe('the access-log queue', () => {
  it('writes the queue and a durable entry in one write, queue first', async () => {
    const { store, written, state } = fakeStore();
    const queue = withAccessQueue(store, { flushMs: 60_000 });
    queue.queueAccess(entry(1));
    queue.queueAccess(entry(2));
    await queue.appendAccess(entry(3, 'login'));
    expect(written.map((e) => e.at)).toEqual([1, 2, 3]);
    expect(state.writes).toBe(1);
    await queue.close();
  });

  it('keeps entries whose write failed, retries them in order, and refuses reads past maxPending', async () => {
    const { store, written, state } = fakeStore();
    const errors: unknown[] = [];
    const queue = withAccessQueue(store, { flushMs: 60_000, maxPending: 3, onError: (e) => errors.push(e) });
    state.failing = true;
    queue.queueAccess(entry(1));
    queue.queueAccess(entry(2));
    // A durable append fails for its caller; the queued entries stay queued.
    await expect(queue.appendAccess(entry(3, 'login'))).rejects.toThrow('disk full');
    await expect(queue.flushAccess()).rejects.toThrow('disk full');
    queue.queueAccess(entry(4));
    expect(() => queue.queueAccess(entry(5))).toThrow(/waiting to be written/);
    expect(written).toEqual([]);

    state.failing = false;
    await queue.flushAccess();
    expect(written.map((e) => e.at)).toEqual([1, 2, 4]);
    queue.queueAccess(entry(6)); // accepted again
    await queue.close();
    expect(written.map((e) => e.at)).toEqual([1, 2, 4, 6]);
    expect(state.closed).toBe(true);
  });

  it('reports a failed write started by its timer, and retries it on the next tick of the timer', async () => {
    const { store, written, state } = fakeStore();
    const errors: unknown[] = [];
    const queue = withAccessQueue(store, { flushMs: 20, onError: (e) => errors.push(e) });
    state.failing = true;
    queue.queueAccess(entry(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(errors.length).toBeGreaterThan(0);
    state.failing = false;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(written.map((e) => e.at)).toEqual([1]);
    await queue.close();
  });

  it('closes the adapter even when the last write fails', async () => {
    const { store, state } = fakeStore();
    const queue = withAccessQueue(store, { flushMs: 60_000 });
    queue.queueAccess(entry(1));
    state.failing = true;
    await expect(queue.close()).rejects.toThrow('disk full');
    expect(state.closed).toBe(true);
    expect(() => queue.queueAccess(entry(2))).toThrow(/closed/);
  });
});
