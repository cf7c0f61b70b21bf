import { describe, expect, it } from 'vitest';
import { padmeLength } from './padding.ts';

describe('Padmé', () => {
  it('never shrinks, overhead stays under 12%, and few distinct sizes remain', () => {
    const sizes = new Set<number>();
    for (let n = 1; n < 200_000; n += 7) {
      const p = padmeLength(n);
      expect(p).toBeGreaterThanOrEqual(n);
      if (n > 256) expect((p - n) / n).toBeLessThan(0.12);
      sizes.add(p);
    }
    // 28,572 inputs collapse into a few hundred visible sizes.
    expect(sizes.size).toBeLessThan(1000);
  });

  it('respects the minimum and handles sizes above 2^31', () => {
    expect(padmeLength(3, 64)).toBe(64);
    expect(padmeLength(2 ** 33 + 1)).toBeGreaterThan(2 ** 33);
    expect(padmeLength(2 ** 33 + 1) % 2 ** 20).toBe(0);
  });
});
