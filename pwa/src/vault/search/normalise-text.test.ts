import { describe, expect, it } from 'vitest';
import { normaliseText } from './normalise-text.ts';

describe('normaliseText', () => {
  it.each([
    ['YAMADA^Tarou', 'yamada tarou'],
    ['Ｙａｍａｄａ', 'yamada'],
    ['ヤマダ^タロウ', 'やまだ たろう'],
    ['ﾔﾏﾀﾞ', 'やまだ'],
    ['Muñoz^José', 'munoz jose'],
    ['MÜLLER', 'muller'],
    ['山田^太郎', '山田 太郎'],
    ['Yamada^Tarou=山田^太郎=やまだ^たろう', 'yamada tarou 山田 太郎 やまだ たろう'],
    ['  Doe   John  ', 'doe john'],
    ['Ελληνικά', 'ελληνικα'],
    ['Люкceмбypг', 'люкceмбypг'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseText(input)).toBe(expected);
  });

  it('keeps the prolonged sound mark, which both kana scripts use', () => {
    expect(normaliseText('カーター')).toBe('かーたー');
    expect(normaliseText('かーたー')).toBe('かーたー');
  });
});
