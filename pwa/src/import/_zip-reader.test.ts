import { describe, expect, it } from 'vitest';
import { updateCrc32 } from './_crc32.ts';
import { decodeCp437 } from './_zip-reader.ts';

describe('ZIP reader internals', () => {
  it('computes the CRC-32 check value, also across chunks', () => {
    const digits = new TextEncoder().encode('123456789');
    expect(updateCrc32(0, digits)).toBe(0xcbf43926);
    expect(updateCrc32(updateCrc32(0, digits.subarray(0, 4)), digits.subarray(4))).toBe(0xcbf43926);
  });

  it('maps all of code page 437 to one character per byte', () => {
    const all = decodeCp437(Uint8Array.from({ length: 256 }, (_, i) => i));
    expect([...all]).toHaveLength(256);
    expect(all.slice(0x41, 0x44)).toBe('ABC');
    expect(all[0x80]).toBe('Ç');
    expect(all[0xe1]).toBe('ß');
    expect(all[0xff]).toBe('\u00a0');
  });
});
