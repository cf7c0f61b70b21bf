import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, fromBase64Url, fromHex, readU64, toBase64Url, toHex, writeU64 } from './_bytes.ts';
import { seededRandom } from './_seeded-random.ts';

describe('byte helpers', () => {
  it('base64url round-trips every length and matches Node', () => {
    const rng = seededRandom('b64');
    for (let n = 0; n < 70; n++) {
      const bytes = rng(n);
      const text = toBase64Url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64Url(text)).toEqual(bytes);
    }
  });

  it('base64url rejects padding, foreign characters, bad lengths and non-canonical tails', () => {
    expect(() => fromBase64Url('AA==')).toThrow(TypeError);
    expect(() => fromBase64Url('A+B/')).toThrow(TypeError);
    expect(() => fromBase64Url('AAAAA')).toThrow(TypeError);
    expect(() => fromBase64Url('AB')).toThrow(/trailing/); // 'AB' has stray bits; 'AA' is the canonical form
    expect(fromBase64Url('AA')).toEqual(new Uint8Array([0]));
  });

  it('hex round-trips and rejects junk', () => {
    expect(toHex(fromHex('00ff10'))).toBe('00ff10');
    expect(() => fromHex('0g')).toThrow(TypeError);
    expect(() => fromHex('abc')).toThrow(TypeError);
  });

  it('u64 big-endian round-trips beyond 2^32', () => {
    const b = new Uint8Array(8);
    writeU64(b, 0, 2 ** 40 + 5);
    expect(toHex(b)).toBe('0000010000000005');
    expect(readU64(b, 0)).toBe(2 ** 40 + 5);
    expect(() => writeU64(b, 0, -1)).toThrow(RangeError);
  });

  it('equalBytes and concatBytes', () => {
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(equalBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
    expect(concatBytes(new Uint8Array([1]), new Uint8Array([]), new Uint8Array([2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
  });
});
