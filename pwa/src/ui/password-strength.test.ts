import { describe, expect, it } from 'vitest';
import { passwordStrength } from './password-strength.ts';

describe('passwordStrength', () => {
  it('calls short passwords too short', () => {
    expect(passwordStrength('Ab1!xyz').label).toBe('Too short');
  });

  it('sees through common words, runs and sequences', () => {
    expect(passwordStrength('password1234').score).toBeLessThan(2);
    expect(passwordStrength('aaaaaaaaaaaa').score).toBeLessThan(2);
  });

  it('rates a long passphrase strong', () => {
    expect(passwordStrength('harbour lantern cobalt fig').label).toBe('Strong');
  });

  it('discounts the facility and staff names', () => {
    const plain = passwordStrength('sakurazaka2024').score;
    const personal = passwordStrength('sakurazaka2024', ['Sakurazaka Clinic']).score;
    expect(personal).toBeLessThan(plain);
  });
});
