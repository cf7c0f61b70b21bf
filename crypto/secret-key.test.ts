import { describe, expect, it } from 'vitest';
import { seededRandom } from './_seeded-random.ts';
import { formatSecretKey, generateSecretKey, parseSecretKey, SecretKeyError } from './secret-key.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('secret key', () => {
  const rng = seededRandom('secret key');

  it('formats as K1 and six groups of five unambiguous characters, and parses back', () => {
    for (let i = 0; i < 200; i++) {
      const key = generateSecretKey(rng);
      const text = formatSecretKey(key);
      expect(text).toMatch(/^K1(-[0-9A-HJKMNP-TV-Z]{5}){6}$/);
      expect(parseSecretKey(text)).toEqual(key);
    }
  });

  it('accepts lower case, spaces, no dashes, no prefix, and O/I/L misreadings', () => {
    const key = generateSecretKey(rng);
    const text = formatSecretKey(key);
    const bare = text.slice(3).replace(/-/g, '');
    expect(parseSecretKey(text.toLowerCase())).toEqual(key);
    expect(parseSecretKey(` ${text.replace(/-/g, ' ')} `)).toEqual(key);
    expect(parseSecretKey(bare)).toEqual(key);
    const misread = bare.replace(/0/g, 'O').replace(/1/g, 'l');
    expect(parseSecretKey(misread)).toEqual(key);
  });

  it('catches every single-character typo', () => {
    const key = generateSecretKey(rng);
    const bare = formatSecretKey(key).slice(3).replace(/-/g, '');
    let caught = 0;
    for (let i = 0; i < bare.length; i++) {
      for (const c of ALPHABET) {
        if (c === bare[i]) continue;
        const typo = bare.slice(0, i) + c + bare.slice(i + 1);
        expect(() => parseSecretKey(typo)).toThrow(/typo/);
        caught++;
      }
    }
    expect(caught).toBe(30 * 31);
  });

  it('says what is wrong in words', () => {
    const text = formatSecretKey(generateSecretKey(rng));
    expect(() => parseSecretKey(text.slice(0, -6))).toThrow(/has 25/);
    expect(() => parseSecretKey(text.slice(0, 9) + 'U' + text.slice(10))).toThrow(/"U" in group 2/);
    expect(() => parseSecretKey('K2' + text.slice(2))).toThrow(/version 2/);
    expect(() => parseSecretKey('')).toThrow(SecretKeyError);
  });
});
