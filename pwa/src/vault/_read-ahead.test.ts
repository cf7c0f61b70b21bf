import { describe, expect, it } from 'vitest';
import { readAhead } from './_read-ahead.ts';

describe('readAhead', () => {
  it('keeps reads in flight ahead of the consumer and yields in order', async () => {
    const started: number[] = [];
    const seen: number[] = [];
    for await (const { item, read } of readAhead([1, 2, 3, 4, 5, 6], { count: 2, bytes: 1e9, sizeOf: () => 1 }, (n) => (started.push(n), Promise.resolve(n * 10)))) {
      // When item n is consumed, reads up to n + 2 have started already.
      expect(started.length).toBe(Math.min(6, item + 2));
      seen.push(await read!);
    }
    expect(seen).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('holds back when the reads ahead add up to too many bytes', async () => {
    const started: number[] = [];
    const startedWhenConsumed: number[] = [];
    const sizes = [10, 10, 50, 10, 10];
    for await (const { item } of readAhead([0, 1, 2, 3, 4], { count: 4, bytes: 30, sizeOf: (i) => sizes[i]! }, (i) => (started.push(i), Promise.resolve(i)))) {
      startedWhenConsumed[item] = started.length;
    }
    // The 50-byte file stops the reading ahead until the files before it are consumed.
    expect(startedWhenConsumed).toEqual([3, 3, 4, 5, 5]);
  });

  it('surfaces a failed read at its own item, and none for items without a read', async () => {
    const out: string[] = [];
    const reads = (n: number) => (n === 2 ? Promise.reject(new Error('gone')) : n === 3 ? null : Promise.resolve(`ok ${n}`));
    for await (const { read } of readAhead([1, 2, 3, 4], { count: 3, bytes: 1e9, sizeOf: () => 1 }, reads)) {
      out.push(read === null ? 'none' : await read.catch((e: Error) => e.message));
    }
    expect(out).toEqual(['ok 1', 'gone', 'none', 'ok 4']);
  });
});
