import type { PersonName } from '../vault/search/index.ts';
import type { Role } from '../vault/vault-api.ts';

/** DICOM dates (YYYYMMDD) as ISO dates, the one format no reader misreads. */
export function formatDicomDate(yyyymmdd: string): string {
  if (!/^\d{8}$/.test(yyyymmdd)) return yyyymmdd;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/** An `<input type="date">` value (YYYY-MM-DD, or '') as a DICOM date. */
export function dicomDateFromInput(value: string): string {
  return value.replaceAll('-', '');
}

/** One PN component group: "DOE^JOHN^^DR" → "DOE, JOHN", "山田^太郎" → "山田 太郎". */
function formatNameGroup(group: string, ideographic: boolean): string {
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = group.split('^').map((p) => p.trim());
  const rest = [prefix, given, middle].filter(Boolean).join(' ');
  // Japanese, Chinese and Korean names read family-first without a comma.
  const base = ideographic ? [family, rest].filter(Boolean).join(' ') : [family, rest].filter(Boolean).join(', ');
  return [base, suffix].filter(Boolean).join(' ');
}

/**
 * The name as staff read it: the ideographic form first when there is one
 * (it is what the clinic wrote), with the other forms after it.
 */
export function formatPersonName(name: PersonName): { primary: string; secondary: string } {
  const ideographic = formatNameGroup(name.ideographic, true);
  const alphabetic = formatNameGroup(name.alphabetic, false);
  const phonetic = formatNameGroup(name.phonetic, true);
  const forms = [ideographic, phonetic, alphabetic].filter(Boolean);
  const [primary = '', ...others] = forms;
  return { primary, secondary: others.join(' · ') };
}

/** Decimal units, like the browser's and the operating system's storage figures. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

export function formatSex(sex: string): string {
  switch (sex) {
    case 'M':
      return 'Male';
    case 'F':
      return 'Female';
    case 'O':
      return 'Other';
    default:
      return '';
  }
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  clinician: 'Clinician',
  viewer: 'Viewer',
};

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}
