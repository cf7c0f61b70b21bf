// Typed reads of element values from a parsed data set, text decoded per
// Specific Character Set (0008,0005) with dicom-character-set.
//
// Every read returns null when the element is absent, and '' (or null for
// numbers) when it is present with no value: DICOM keeps that difference
// (Type 2 attributes are present but may be empty, PS3.5 §7.4).

import { characterSets, convertBytes } from 'dicom-character-set';
import type { DataSet, Element } from 'dicom-parser';
import { parsePersonName } from './parse-person-name.ts';
import { formatTag } from './_tags.ts';
import type { PersonName } from './parse-person-name.ts';

/** The string VRs this reader decodes (PS3.5 Table 6.2-1). */
export type StringVr =
  | 'AE' | 'AS' | 'CS' | 'DA' | 'DS' | 'DT' | 'IS' | 'LO' | 'LT' | 'PN'
  | 'SH' | 'ST' | 'TM' | 'UC' | 'UI' | 'UR' | 'UT';

export interface ValueReader {
  /** The first value of a string element, decoded and trimmed. */
  string(tag: string, vr: StringVr): string | null;
  /** Every value of a multi-valued string element ('\\'-separated, PS3.5 §6.4). */
  strings(tag: string, vr: StringVr): string[] | null;
  personName(tag: string): PersonName | null;
  /** A US value, in the data set's byte order. */
  uint16(tag: string): number | null;
  /** A UL value, in the data set's byte order. */
  uint32(tag: string): number | null;
  /** An IS value as a number; null when absent, empty or not an integer. */
  integerString(tag: string): number | null;
}

/** (0008,0005) Specific Character Set. */
export const SPECIFIC_CHARACTER_SET = 'x00080005';

/**
 * (0008,0005) as its values, trimmed. The defined terms are in the default
 * repertoire (PS3.3 §C.12.1.1.2), so no decoding is needed. The first value
 * may be empty: the default repertoire, with code extensions after it.
 */
export function readSpecificCharacterSet(dataSet: DataSet): string[] | null {
  const element = dataSet.elements[SPECIFIC_CHARACTER_SET];
  if (!element) return null;
  const text = latin1(valueBytes(dataSet, element));
  return text.replace(/[\0 ]+$/, '').split('\\').map((value) => value.trim());
}

export function createValueReader(
  dataSet: DataSet,
  specificCharacterSet: readonly string[] | null,
  warnings: string[],
): ValueReader {
  const characterSet = toLibraryCharacterSet(specificCharacterSet, warnings);
  const warned = new Set<string>();
  const warnOnce = (text: string): void => {
    if (!warned.has(text)) {
      warned.add(text);
      warnings.push(text);
    }
  };

  function decode(bytes: Uint8Array, vr: StringVr): string {
    if (bytes.length === 0) return '';
    if (characterSet === undefined && !isAscii(bytes)) {
      // No (0008,0005), or none that is known, means ASCII; non-ASCII bytes break
      // that rule. Writers that do it mostly mean UTF-8 or Latin-1.
      warnOnce('text outside the default repertoire without a Specific Character Set (0008,0005); read as UTF-8 or Latin-1');
      return decodeUtf8OrLatin1(bytes);
    }
    try {
      return convertBytes(characterSet, bytes, { vr });
    } catch (error) {
      warnOnce(`text not decodable as ${characterSet ?? 'the default repertoire'} (${error instanceof Error ? error.message : String(error)}); read as Latin-1`);
      return latin1(bytes);
    }
  }

  function rawString(tag: string, vr: StringVr): string | null {
    const element = dataSet.elements[tag];
    if (!element) return null;
    return decode(valueBytes(dataSet, element), vr);
  }

  function strings(tag: string, vr: StringVr): string[] | null {
    const text = rawString(tag, vr);
    if (text === null) return null;
    // LT, ST, UT and UR are single-valued; a backslash in them is text (PS3.5 §6.2).
    const values = SINGLE_VALUED_TEXT.has(vr) ? [text] : text.split('\\');
    return values.map((value) => trimValue(value, vr));
  }

  function string(tag: string, vr: StringVr): string | null {
    const values = strings(tag, vr);
    return values === null ? null : (values[0] ?? '');
  }

  function integerString(tag: string): number | null {
    const text = string(tag, 'IS');
    if (text === null || text === '') return null;
    if (!/^[+-]?\d+$/.test(text)) {
      warnOnce(`${formatTag(tag)} is not an integer string: ${JSON.stringify(text)}`);
      return null;
    }
    return Number(text);
  }

  function unsigned(tag: string, size: 2 | 4): number | null {
    const element = dataSet.elements[tag];
    if (!element || element.length < size) return null;
    const parser = element.parser ?? dataSet.byteArrayParser;
    return size === 2
      ? parser.readUint16(dataSet.byteArray, element.dataOffset)
      : parser.readUint32(dataSet.byteArray, element.dataOffset);
  }

  return {
    string,
    strings,
    personName(tag) {
      const value = string(tag, 'PN');
      return value === null ? null : parsePersonName(value);
    },
    uint16: (tag) => unsigned(tag, 2),
    uint32: (tag) => unsigned(tag, 4),
    integerString,
  };
}

const SINGLE_VALUED_TEXT = new Set<StringVr>(['LT', 'ST', 'UT', 'UR']);

/** VRs whose leading spaces are padding too, not only trailing ones (PS3.5 Table 6.2-1). */
const LEADING_SPACES_INSIGNIFICANT = new Set<StringVr>(['AE', 'CS', 'DS', 'IS', 'LO', 'SH']);

/**
 * PS3.5 §6.2: values are padded to an even length, with a trailing NUL for UI
 * and a trailing space for the other string VRs; some writers pad with NULs
 * where a space belongs, so both go. Leading spaces are kept where they can be
 * significant (LT, ST, UT, PN, dates and times are only right-padded).
 */
function trimValue(value: string, vr: StringVr): string {
  const trimmed = value.replace(/[\0 ]+$/, '');
  return LEADING_SPACES_INSIGNIFICANT.has(vr) || vr === 'UI' ? trimmed.replace(/^[\0 ]+/, '') : trimmed;
}

/**
 * The (0008,0005) value in the form dicom-character-set takes. Common
 * misspellings of the defined terms ("ISO_IR_100", "ISO-IR 192", "ISO2022 IR 87")
 * are mapped to them; an unknown term is dropped with a warning. Returns
 * undefined for the default repertoire alone.
 */
function toLibraryCharacterSet(values: readonly string[] | null, warnings: string[]): string | undefined {
  if (values === null) return undefined;
  const terms: string[] = [];
  values.forEach((value, index) => {
    const term = normalizeTerm(value);
    if (term === '') {
      // Only the first value may be empty: the default repertoire (PS3.3 §C.12.1.1.2).
      if (index === 0) terms.push('');
      return;
    }
    if (!Object.hasOwn(characterSets, term)) {
      warnings.push(`unknown Specific Character Set (0008,0005) term ${JSON.stringify(value)} ignored`);
      if (index === 0) terms.push('');
      return;
    }
    terms.push(term);
  });
  if (terms.length === 0 || (terms.length === 1 && (terms[0] === '' || terms[0] === 'ISO_IR 6'))) return undefined;
  return terms.join('\\');
}

function normalizeTerm(value: string): string {
  const term = value.trim().toUpperCase();
  if (term === '' || Object.hasOwn(characterSets, term)) return term;
  const extension = /^ISO[ _-]?2022[ _-]?IR[ _-]?(\d+)$/.exec(term);
  if (extension) return `ISO 2022 IR ${extension[1]}`;
  const single = /^ISO[ _-]?IR[ _-]?(\d+)$/.exec(term);
  if (single) return `ISO_IR ${single[1]}`;
  if (/^GB[ _-]?18030$/.test(term)) return 'GB18030';
  if (term === 'UTF-8' || term === 'UTF8') return 'ISO_IR 192';
  return term;
}

function valueBytes(dataSet: DataSet, element: Element): Uint8Array {
  const end = Math.min(element.dataOffset + element.length, dataSet.byteArray.length);
  const bytes = dataSet.byteArray;
  // A view, not a copy: subarray on the caller's Uint8Array (or Buffer).
  return new Uint8Array(bytes.buffer, bytes.byteOffset + element.dataOffset, Math.max(0, end - element.dataOffset));
}

function isAscii(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte > 0x7f) return false;
  return true;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const windows1252 = new TextDecoder('windows-1252');

function decodeUtf8OrLatin1(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return windows1252.decode(bytes);
  }
}

function latin1(bytes: Uint8Array): string {
  return windows1252.decode(bytes);
}
