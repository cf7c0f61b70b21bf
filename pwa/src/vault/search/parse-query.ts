import { normalisePatientNumber, PatientNumberError } from '../../../../crypto/index.ts';
import { normaliseText } from './normalise-text.ts';

/**
 * A search, as the search box and the filter controls express it. Every
 * part present must match (AND); text terms match any searchable field.
 */
export interface SearchQuery {
  /** Normalised terms, each to be found somewhere in the study's text. */
  terms: string[];
  /** Normalised terms to be found in the patient's name (any PN group). */
  nameTerms: string[];
  /** Exact number, or a prefix when it ends with '*'. */
  patientNumber?: { value: string; prefix: boolean };
  sex?: string;
  /** YYYYMMDD. */
  birthDate?: string;
  /** Inclusive YYYYMMDD bounds. */
  dateFrom?: string;
  dateTo?: string;
  modalities?: string[];
  bodyPart?: string;
  description?: string;
  facility?: string;
  accessionNumber?: string;
  documentNumber?: string;
  reportTerms: string[];
}

export class QueryError extends Error {
  override name = 'QueryError';
}

const KEYS: Record<string, string> = {
  pn: 'patientNumber',
  no: 'patientNumber',
  id: 'patientNumber',
  name: 'name',
  sex: 'sex',
  born: 'birthDate',
  dob: 'birthDate',
  date: 'date',
  mod: 'modality',
  modality: 'modality',
  body: 'bodyPart',
  desc: 'description',
  method: 'description',
  fac: 'facility',
  facility: 'facility',
  acc: 'accessionNumber',
  doc: 'documentNumber',
  report: 'report',
};

/** Splits on spaces, keeping "quoted phrases" and key:"quoted values" whole. */
function tokenise(input: string): string[] {
  const tokens: string[] = [];
  const re = /(\S+?:)?"([^"]*)"|\S+/g;
  for (const m of input.normalize('NFKC').matchAll(re)) tokens.push(m[2] !== undefined ? `${m[1] ?? ''}${m[2]}` : m[0]);
  return tokens;
}

/**
 * Dates as people type them: 2024-03-05, 2024/3/5, 20240305, 2024-03 or
 * 2024 (a whole month or year). Returns the inclusive YYYYMMDD bounds.
 */
export function parseDateBounds(text: string): { from: string; to: string } {
  const t = text.trim();
  const day = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/.exec(t);
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (day || compact) {
    const [y, mo, dd] = day ? [day[1]!, day[3]!, day[4]!] : [compact![1]!, compact![2]!, compact![3]!];
    const d = `${y}${mo.padStart(2, '0')}${dd.padStart(2, '0')}`;
    if (!isValidDate(d)) throw new QueryError(`"${text}" is not a date`);
    return { from: d, to: d };
  }
  const m = /^(\d{4})[-/.](\d{1,2})$/.exec(t) ?? /^(\d{4})(\d{2})$/.exec(t);
  if (m) {
    const month = m[2]!.padStart(2, '0');
    if (Number(month) < 1 || Number(month) > 12) throw new QueryError(`"${text}" is not a month`);
    return { from: `${m[1]}${month}01`, to: `${m[1]}${month}31` };
  }
  if (/^\d{4}$/.test(t)) return { from: `${t}0101`, to: `${t}1231` };
  throw new QueryError(`"${text}" is not a date: write it as 2024-03-05, 2024-03 or 2024`);
}

function isValidDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const mo = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * Reads the search box: free words and "phrases" search everything;
 * `key:value` narrows one field — pn: (patient number, `pn:123*` for a
 * prefix), name:, sex:, born:, date: (a day, month, year or `from..to`),
 * mod: (CT,MR), body:, desc:, fac:, acc:, doc:, report:.
 * A word before a colon that is not a known key stays a search word.
 */
export function parseQuery(input: string): SearchQuery {
  const query: SearchQuery = { terms: [], nameTerms: [], reportTerms: [] };
  for (const token of tokenise(input)) {
    const colon = token.indexOf(':');
    const key = colon > 0 ? KEYS[token.slice(0, colon).toLowerCase()] : undefined;
    const value = key ? token.slice(colon + 1) : token;
    if (!key) {
      const t = normaliseText(value);
      if (t) query.terms.push(t);
      continue;
    }
    if (value.trim() === '') throw new QueryError(`"${token}" needs a value after the colon`);
    switch (key) {
      case 'patientNumber': {
        const prefix = value.endsWith('*');
        try {
          // The same normalisation as the patient key's, so "00-123" finds 00123.
          query.patientNumber = { value: normalisePatientNumber(prefix ? value.slice(0, -1) : value), prefix };
        } catch (e) {
          if (e instanceof PatientNumberError) throw new QueryError(`pn: ${e.message.toLowerCase()}`);
          throw e;
        }
        break;
      }
      case 'name':
        query.nameTerms.push(...normaliseText(value).split(' ').filter(Boolean));
        break;
      case 'sex': {
        const s = value.trim().toUpperCase()[0];
        if (s !== 'M' && s !== 'F' && s !== 'O') throw new QueryError('sex: is M, F or O');
        query.sex = s;
        break;
      }
      case 'birthDate': {
        const b = parseDateBounds(value);
        if (b.from !== b.to) throw new QueryError('born: needs a whole date, like 1960-04-01');
        query.birthDate = b.from;
        break;
      }
      case 'date': {
        const [a, b] = value.split('..');
        if (b !== undefined) {
          if (a) query.dateFrom = parseDateBounds(a).from;
          if (b) query.dateTo = parseDateBounds(b).to;
        } else {
          const d = parseDateBounds(value);
          query.dateFrom = d.from;
          query.dateTo = d.to;
        }
        break;
      }
      case 'modality':
        query.modalities = value
          .toUpperCase()
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean);
        break;
      case 'report':
        query.reportTerms.push(...normaliseText(value).split(' ').filter(Boolean));
        break;
      default:
        (query as unknown as Record<string, string>)[key] = normaliseText(value);
    }
  }
  return query;
}
