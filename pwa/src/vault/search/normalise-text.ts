/**
 * Folds text so that a search matches however it was typed or stored:
 * - Unicode NFKC: full-width ＡＢＣ and half-width ｶﾅ become their usual forms;
 * - case folded (lower case);
 * - accents dropped (é → e, ü → u), so "Munoz" finds "Muñoz";
 * - katakana folded to hiragana (ヤマダ → やまだ), so either reading finds the other;
 * - the DICOM PN separators ^ and = and runs of white space become one space.
 * Kanji and other scripts pass through unchanged.
 */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function normaliseText(text: string): string {
  // Printable ASCII is its own NFKC and NFD form: skip the Unicode passes,
  // which dominate building the index at unlock.
  if (PRINTABLE_ASCII.test(text)) return text.toLowerCase().replace(/[\^=\s]+/g, ' ').trim();
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      // NFD splits letters from their accents, the combining diacritics
      // U+0300–U+036F, which are dropped. Only those: the kana voicing marks
      // (U+3099, U+309A) are combining too, and ダ is not タ.
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .normalize('NFC')
      // Katakana U+30A1–U+30F6 sit 0x60 above their hiragana; ー (U+30FC) stays, both scripts use it.
      .replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
      .replace(/[\^=\s]+/g, ' ')
      .trim()
  );
}
