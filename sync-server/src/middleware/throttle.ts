/**
 * Counts failures per key in a sliding window, in memory: the server's
 * defence against online guessing of logins and share passphrases, and a
 * per-client request rate limit. State is per process; behind several
 * instances each applies its own limit, which still bounds guessing.
 */
export class FailureThrottle {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /** How many events `key` had within the last `windowMs`. */
  count(key: string, windowMs: number): number {
    const times = this.prune(key, windowMs);
    return times.length;
  }

  /** Records one event for `key`. */
  add(key: string, windowMs: number): void {
    const times = this.prune(key, windowMs);
    times.push(this.now());
    this.hits.set(key, times);
  }

  /** Milliseconds until `key` drops below `limit` events in the window (0 if it is below). */
  retryAfter(key: string, limit: number, windowMs: number): number {
    const times = this.prune(key, windowMs);
    if (times.length < limit) return 0;
    return times[times.length - limit]! + windowMs - this.now();
  }

  clear(key: string): void {
    this.hits.delete(key);
  }

  /** Drops keys with no recent events, so memory stays bounded under a scan. */
  sweep(windowMs: number): void {
    for (const key of this.hits.keys()) if (this.prune(key, windowMs).length === 0) this.hits.delete(key);
  }

  private prune(key: string, windowMs: number): number[] {
    const since = this.now() - windowMs;
    const times = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (times.length === 0) this.hits.delete(key);
    else this.hits.set(key, times);
    return times;
  }
}

/**
 * Requests per key per fixed one-minute window: cheap enough to run on every
 * request (one map lookup), unlike the failure log above.
 */
export class RateCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly now: () => number) {}

  /** Counts one request; returns ms to wait when over `perMinute`, else 0. */
  hit(key: string, perMinute: number): number {
    const now = this.now();
    const start = now - (now % 60_000);
    const w = this.windows.get(key);
    if (!w || w.start !== start) {
      if (this.windows.size > 100_000) this.windows.clear(); // bounded under a flood of keys
      this.windows.set(key, { start, count: 1 });
      return 0;
    }
    w.count++;
    return w.count > perMinute ? start + 60_000 - now : 0;
  }
}
