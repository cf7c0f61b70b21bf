/**
 * A decoded PN value (PS3.5 §6.2.1). Up to three component groups, separated
 * by '=': alphabetic (single-byte), ideographic (e.g. kanji, hanja, hanzi) and
 * phonetic (e.g. hiragana, hangul). Each group keeps its five '^'-separated
 * components as stored: family, given, middle, prefix, suffix.
 */
export interface PersonName {
  readonly alphabetic: string;
  readonly ideographic: string;
  readonly phonetic: string;
  /**
   * For display: the first non-empty group as "Family, Given Middle Prefix
   * Suffix" (alphabetic) or "Family Given …" (ideographic, phonetic: CJK names
   * are written family first, without a comma), then the other non-empty
   * groups in parentheses. "Yamada^Tarou=山田^太郎=やまだ^たろう" becomes
   * "Yamada, Tarou (山田 太郎, やまだ たろう)". Empty when every component is empty.
   */
  readonly formatted: string;
}

/**
 * Splits an already decoded PN value into its component groups. Decode first:
 * in ISO 2022 text the bytes of a two-byte character may equal '=' or '^', and
 * only the decoder knows which bytes are delimiters (PS3.5 §6.1.2.5.3).
 */
export function parsePersonName(value: string): PersonName {
  const groups = value.split('=');
  const alphabetic = groups[0] ?? '';
  const ideographic = groups[1] ?? '';
  // More than three groups is invalid; keep the excess rather than lose it.
  const phonetic = groups.slice(2).join('=');
  const formattedGroups = [
    formatGroup(alphabetic, true),
    formatGroup(ideographic, false),
    formatGroup(phonetic, false),
  ].filter((group) => group !== '');
  const [first, ...rest] = formattedGroups;
  const formatted = first === undefined ? '' : rest.length === 0 ? first : `${first} (${rest.join(', ')})`;
  return { alphabetic, ideographic, phonetic, formatted };
}

/** The value as stored: groups joined by '=', trailing empty groups dropped. */
export function formatPersonNameValue(name: PersonName): string {
  const groups = [name.alphabetic, name.ideographic, name.phonetic];
  while (groups.length > 1 && groups[groups.length - 1] === '') groups.pop();
  return groups.join('=');
}

function formatGroup(group: string, familyComma: boolean): string {
  const [family = '', ...others] = group.split('^').map((component) => component.trim());
  const rest = others.filter((component) => component !== '').join(' ');
  if (family === '') return rest;
  if (rest === '') return family;
  return familyComma ? `${family}, ${rest}` : `${family} ${rest}`;
}
