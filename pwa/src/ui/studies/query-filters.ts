// The quick filters write into the search box's text instead of keeping a
// second, hidden query: what is on screen is the whole search, and staff
// learn the syntax (mod:CT, date:2024-01..2024-03) by watching it appear.

export interface QuickFilters {
  modalities: string[];
  /** YYYY-MM-DD or '' (what <input type="date"> holds). */
  dateFrom: string;
  dateTo: string;
  /** 'M', 'F', 'O' or ''. */
  sex: string;
}

const FILTER_KEYS = {
  modality: ['mod', 'modality'],
  date: ['date'],
  sex: ['sex'],
} as const;

type FilterName = keyof typeof FILTER_KEYS;

/** The same split as the query parser's: spaces separate, "quotes" keep phrases whole. */
const TOKEN = /(\S+?:)?"[^"]*"|\S+/g;

function keyOf(token: string): string | null {
  const colon = token.indexOf(':');
  return colon > 0 ? token.slice(0, colon).toLowerCase() : null;
}

function valueOf(token: string): string {
  return token.slice(token.indexOf(':') + 1).replace(/^"|"$/g, '');
}

function tokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** An ISO day for the date inputs, or '' when the bound is a month, a year or not a date. */
function isoDay(bound: string): string {
  const m = /^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})$/.exec(bound.trim());
  if (!m || bound.trim().length < 8) return '';
  return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
}

export function readFilters(text: string): QuickFilters {
  const filters: QuickFilters = { modalities: [], dateFrom: '', dateTo: '', sex: '' };
  for (const token of tokens(text)) {
    const key = keyOf(token);
    if (!key) continue;
    const value = valueOf(token);
    if ((FILTER_KEYS.modality as readonly string[]).includes(key)) {
      filters.modalities = value
        .toUpperCase()
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean);
    } else if (key === 'date') {
      const [from = '', to] = value.split('..');
      filters.dateFrom = isoDay(from);
      filters.dateTo = to === undefined ? filters.dateFrom : isoDay(to);
    } else if (key === 'sex') {
      const s = value.trim().toUpperCase()[0] ?? '';
      filters.sex = s === 'M' || s === 'F' || s === 'O' ? s : '';
    }
  }
  return filters;
}

/** Replaces every token of one filter with `token` (or removes them), keeping the rest as typed. */
export function withFilter(text: string, filter: FilterName, token: string | null): string {
  const keys = FILTER_KEYS[filter] as readonly string[];
  const kept = tokens(text).filter((t) => {
    const key = keyOf(t);
    return !key || !keys.includes(key);
  });
  if (token) kept.push(token);
  return kept.join(' ');
}

export function modalityToken(modalities: string[]): string | null {
  return modalities.length ? `mod:${modalities.join(',')}` : null;
}

export function dateToken(from: string, to: string): string | null {
  if (!from && !to) return null;
  if (from && from === to) return `date:${from}`;
  return `date:${from}..${to}`;
}

export function sexToken(sex: string): string | null {
  return sex ? `sex:${sex}` : null;
}
