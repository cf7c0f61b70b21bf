import type { UsageStore } from './store/index.ts';

/**
 * Usage counters for the bill (bytes served, records pushed, requests),
 * gathered in memory and written every few seconds: counting each request
 * with its own fsync'd transaction would cost more than the request. A crash
 * loses at most one interval of counts, in the facility's favour.
 */
export interface UsageMeter {
  count(facilityId: string, delta: { bytesServed?: number; recordsPushed?: number; requests?: number }): void;
  /** Writes what is pending (also called on shutdown). */
  flush(): Promise<void>;
}

export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

export function createUsageMeter(store: UsageStore, now: () => number): UsageMeter {
  let pending = new Map<string, { bytesServed: number; recordsPushed: number; requests: number }>();
  return {
    count(facilityId, delta) {
      const key = `${facilityId} ${monthOf(now())}`;
      const row = pending.get(key) ?? { bytesServed: 0, recordsPushed: 0, requests: 0 };
      row.bytesServed += delta.bytesServed ?? 0;
      row.recordsPushed += delta.recordsPushed ?? 0;
      row.requests += delta.requests ?? 0;
      pending.set(key, row);
    },
    async flush() {
      const batch = pending;
      pending = new Map();
      for (const [key, delta] of batch) {
        const [facilityId, month] = key.split(' ') as [string, string];
        await store.addUsage(facilityId, month, delta);
      }
    },
  };
}
