import { describe, expect, it } from 'vitest';
import { deriveMemberHandle, MemberNameError, normaliseMemberName } from './member-handle.ts';

describe('member handle', () => {
  it('is the same however the name is typed, and differs per facility and name', () => {
    const h = deriveMemberHandle('fac_a', 'Dr. Sato');
    expect(h).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(deriveMemberHandle('fac_a', '  dr.   SATO ')).toBe(h);
    expect(deriveMemberHandle('fac_a', 'Ｄｒ. Ｓａｔｏ')).toBe(h);
    expect(deriveMemberHandle('fac_b', 'Dr. Sato')).not.toBe(h);
    expect(deriveMemberHandle('fac_a', 'Dr. Saito')).not.toBe(h);
  });

  it('refuses empty and overlong names', () => {
    expect(() => normaliseMemberName('   ')).toThrow(MemberNameError);
    expect(() => normaliseMemberName('x'.repeat(101))).toThrow(MemberNameError);
  });
});
