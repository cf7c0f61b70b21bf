import { normalisePatientNumber } from '../../../../crypto/index.ts';
import { normaliseText } from './normalise-text.ts';
import type { SearchQuery } from './parse-query.ts';
import type { StudyEntry } from './study-entry.ts';

/** One patient in the results: their studies newest first. */
export interface PatientGroup {
  patientKey: string;
  patientNumber: string;
  patientName: StudyEntry['patientName'];
  studies: StudyEntry[];
}

/**
 * One searchable field as a column: each distinct normalised value is kept
 * once and studies point to it by number. Clinics repeat themselves (the
 * same descriptions, body parts, facility names; a patient's name on every
 * study), so a term is tested against each distinct value once per search,
 * not once per study.
 */
class Column {
  readonly values: string[] = [];
  readonly ids: Int32Array;
  /** Stored form → value: one lookup per study, and each distinct stored form normalised once. */
  private readonly byRaw = new Map<string, number>();
  private readonly byValue = new Map<string, number>();
  private joined: { text: string; starts: Int32Array } | null = null;

  constructor(
    size: number,
    private readonly normalise: (raw: string) => string,
  ) {
    this.ids = new Int32Array(size);
  }

  set(at: number, raw: string): void {
    let id = this.byRaw.get(raw);
    if (id === undefined) {
      const value = this.normalise(raw);
      id = this.byValue.get(value);
      if (id === undefined) {
        id = this.values.length;
        this.values.push(value);
        this.byValue.set(value, id);
      }
      this.byRaw.set(raw, id);
    }
    this.ids[at] = id;
  }

  /**
   * Per distinct value: 1 when it contains `term`. One indexOf over all the
   * values joined is far cheaper than a call per value when most do not
   * match (a column of 100,000 accession numbers, say).
   */
  maskIncludes(term: string): Uint8Array | null {
    const m = new Uint8Array(this.values.length);
    if (term === '') return m.fill(1);
    let any = false;
    const { text, starts } = this.join();
    for (let hit = text.indexOf(term); hit !== -1; ) {
      const id = valueAt(starts, hit);
      m[id] = 1;
      any = true;
      hit = text.indexOf(term, starts[id + 1]!);
    }
    return any ? m : null;
  }

  /** The values joined, built once per layout (the layout builds it, so no search pays for it). */
  join(): { text: string; starts: Int32Array } {
    if (this.joined === null) {
      const starts = new Int32Array(this.values.length + 1);
      let at = 0;
      for (let i = 0; i < this.values.length; i++) {
        starts[i] = at;
        at += this.values[i]!.length + 1;
      }
      starts[this.values.length] = at;
      this.joined = { text: this.values.join(SEP), starts };
    }
    return this.joined;
  }

  /** Per distinct value: 1 when it passes. */
  mask(test: (value: string) => boolean): Uint8Array {
    const m = new Uint8Array(this.values.length);
    for (let i = 0; i < m.length; i++) if (test(this.values[i]!)) m[i] = 1;
    return m;
  }
}

/** The value whose [start, next start) holds `offset`. */
function valueAt(starts: Int32Array, offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Everything a search reads, laid out newest study first. */
interface Layout {
  entries: StudyEntry[];
  /** studyDate per entry, descending; '' (unknown) sorts last, being the smallest string. */
  dates: string[];
  name: Column;
  patientNumber: Column;
  /** Patient numbers case-folded, for free words. */
  patientNumberText: Column;
  modalities: Column;
  bodyPart: Column;
  description: Column;
  facility: Column;
  accessionNumber: Column;
  /** Document management numbers joined by SEP, so one test covers the list. */
  documentNumbers: Column;
  report: Column;
}

const SEP = '\u0001';

/** Columns a free search word may be found in. */
const TEXT_COLUMNS = [
  'name',
  'patientNumberText',
  'description',
  'bodyPart',
  'facility',
  'accessionNumber',
  'documentNumbers',
  'modalities',
  'report',
] as const;

/**
 * The in-memory search over decrypted study entries. Studies are laid out
 * newest first with their fields in interned columns (built on the first
 * search after a change): a date range becomes a slice by binary search,
 * every other test runs once per distinct value, and the scan over the slice
 * is array lookups.
 */
export class SearchIndex {
  private readonly byId = new Map<string, StudyEntry>();
  private layout: Layout | null = null;

  constructor(entries: Iterable<StudyEntry> = []) {
    for (const e of entries) this.byId.set(e.studyId, e);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Adds a study or replaces it after an edit or a sync. */
  put(entry: StudyEntry): void {
    this.byId.set(entry.studyId, entry);
    this.layout = null;
  }

  remove(studyId: string): void {
    this.byId.delete(studyId);
    this.layout = null;
  }

  /** Drops everything, e.g. on lock. */
  clear(): void {
    this.byId.clear();
    this.layout = null;
  }

  /** Lays the studies out now (unlock does this, so the first search is not the slow one). */
  prepare(): void {
    this.layout ??= this.build();
  }

  /** Matching studies grouped by patient; groups ordered by their newest study. */
  search(query: SearchQuery, options: { limit?: number } = {}): PatientGroup[] {
    return this.find(query, options).groups;
  }

  /** As search, with the number of matching studies (all of them, not only those in the first `limit` groups). */
  find(query: SearchQuery, options: { limit?: number } = {}): { groups: PatientGroup[]; studyCount: number } {
    const layout = (this.layout ??= this.build());
    const limit = options.limit ?? Infinity;
    const [from, to] = dateSlice(layout.dates, query);
    const tests = compile(layout, query);
    if (tests === null) return { groups: [], studyCount: 0 };
    const groups = new Map<string, PatientGroup>();
    let studyCount = 0;
    next: for (let i = from; i < to; i++) {
      for (const t of tests) if (!t(i)) continue next;
      studyCount++;
      const s = layout.entries[i]!;
      let g = groups.get(s.patientKey);
      if (!g) {
        // Still counted beyond the limit; only groups that will be shown are made.
        if (groups.size >= limit) continue;
        g = { patientKey: s.patientKey, patientNumber: s.patientNumber, patientName: s.patientName, studies: [] };
        groups.set(s.patientKey, g);
      }
      g.studies.push(s);
    }
    return { groups: [...groups.values()], studyCount };
  }

  /** Every study of one patient, newest first: the patient timeline. */
  patient(patientKey: string): PatientGroup | undefined {
    const studies = [...this.byId.values()].filter((e) => e.patientKey === patientKey);
    return groupByPatient(studies)[0];
  }

  private build(): Layout {
    // Sorting by a number is several times faster than by comparing strings.
    const keyed = [...this.byId.values()].map((e) => ({ key: Number(e.studyDate) || 0, e }));
    keyed.sort((a, b) => b.key - a.key);
    const entries = keyed.map((k) => k.e);
    const n = entries.length;
    const lower = (s: string) => s.toLowerCase();
    const l: Layout = {
      entries,
      dates: entries.map((e) => e.studyDate),
      name: new Column(n, normaliseText),
      patientNumber: new Column(n, patientNumberKey),
      patientNumberText: new Column(n, (raw) => patientNumberKey(raw).toLowerCase()),
      modalities: new Column(n, lower),
      bodyPart: new Column(n, normaliseText),
      description: new Column(n, normaliseText),
      facility: new Column(n, normaliseText),
      accessionNumber: new Column(n, normaliseText),
      documentNumbers: new Column(n, (joined) => joined.split(SEP).map(normaliseText).join(SEP)),
      report: new Column(n, normaliseText),
    };
    for (let i = 0; i < n; i++) {
      const e = entries[i]!;
      const pn = e.patientName;
      // The PN value as DICOM writes it: no new string at all for the usual name without other groups.
      l.name.set(i, pn.ideographic === '' && pn.phonetic === '' ? pn.alphabetic : `${pn.alphabetic}=${pn.ideographic}=${pn.phonetic}`);
      l.patientNumber.set(i, e.patientNumber);
      l.patientNumberText.set(i, e.patientNumber);
      l.modalities.set(i, e.modalities.length === 1 ? e.modalities[0]! : e.modalities.join(' '));
      l.bodyPart.set(i, e.bodyPart);
      l.description.set(i, e.description);
      l.facility.set(i, e.facility);
      l.accessionNumber.set(i, e.accessionNumber);
      l.documentNumbers.set(i, e.documentNumbers.length === 0 ? '' : e.documentNumbers.join(SEP));
      l.report.set(i, e.reportText);
    }
    for (const name of TEXT_COLUMNS) l[name].join();
    return l;
  }
}

function patientNumberKey(patientNumber: string): string {
  try {
    return normalisePatientNumber(patientNumber);
  } catch {
    // a study without a usable number is still found by its other fields
    return '';
  }
}

/** The [from, to) slice of newest-first dates inside the query's range. */
function dateSlice(dates: string[], q: SearchQuery): [number, number] {
  if (q.dateFrom === undefined && q.dateTo === undefined) return [0, dates.length];
  // First index whose date is ≤ dateTo, then the first whose date is < dateFrom ('' included).
  const from = q.dateTo === undefined ? 0 : firstIndex(dates, (d) => d <= q.dateTo!);
  const to = firstIndex(dates, (d) => d === '' || (q.dateFrom !== undefined && d < q.dateFrom));
  return [from, Math.max(from, to)];
}

/** Binary search: the first index where `past` holds, `past` being false then true along the array. */
function firstIndex(xs: string[], past: (x: string) => boolean): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (past(xs[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Each part of the query as a test of one study (by layout index), cheapest first. */
/** null when some part of the query matches nothing at all. */
function compile(l: Layout, q: SearchQuery): ((i: number) => boolean)[] | null {
  const tests: ((i: number) => boolean)[] = [];
  const on = (c: Column, test: (v: string) => boolean) => {
    const mask = c.mask(test);
    const ids = c.ids;
    tests.push((i) => mask[ids[i]!] === 1);
  };
  if (q.modalities) {
    const wanted = q.modalities.map((m) => m.toLowerCase());
    on(l.modalities, (v) => v.split(' ').some((m) => wanted.includes(m)));
  }
  // Few values, compared directly: not worth a column each.
  if (q.sex !== undefined) tests.push((i) => l.entries[i]!.patientSex === q.sex);
  if (q.birthDate !== undefined) tests.push((i) => l.entries[i]!.patientBirthDate === q.birthDate);
  const pn = q.patientNumber;
  if (pn) on(l.patientNumber, (v) => (pn.prefix ? v.startsWith(pn.value) : v === pn.value));
  // A term found nowhere makes the whole query match nothing.
  let impossible = false;
  const includes = (c: Column, term: string) => {
    const mask = c.maskIncludes(term);
    if (mask === null) {
      impossible = true;
      return;
    }
    const ids = c.ids;
    tests.push((i) => mask[ids[i]!] === 1);
  };
  if (q.bodyPart !== undefined) includes(l.bodyPart, q.bodyPart);
  if (q.description !== undefined) includes(l.description, q.description);
  if (q.facility !== undefined) includes(l.facility, q.facility);
  if (q.accessionNumber !== undefined) on(l.accessionNumber, (v) => v === q.accessionNumber);
  if (q.documentNumber !== undefined) on(l.documentNumbers, (v) => v.split(SEP).includes(q.documentNumber!));
  for (const t of q.nameTerms) includes(l.name, t);
  for (const t of q.reportTerms) includes(l.report, t);
  for (const t of q.terms) {
    // A free word may be in any field: one mask per column, a study passes
    // if any of its values does. Columns where nothing matched drop out.
    const parts: { mask: Uint8Array; ids: Int32Array }[] = [];
    for (const name of TEXT_COLUMNS) {
      const mask = l[name].maskIncludes(t);
      if (mask) parts.push({ mask, ids: l[name].ids });
    }
    if (parts.length === 0) impossible = true;
    else if (parts.length === 1) {
      const [{ mask, ids }] = parts as [(typeof parts)[0]];
      tests.push((i) => mask[ids[i]!] === 1);
    } else {
      tests.push((i) => parts.some((p) => p.mask[p.ids[i]!] === 1));
    }
  }
  return impossible ? null : tests;
}

/** Newest first; studies without a date last. */
function byDateDesc(a: StudyEntry, b: StudyEntry): number {
  return (b.studyDate || '0') < (a.studyDate || '0') ? -1 : (b.studyDate || '0') > (a.studyDate || '0') ? 1 : 0;
}

export function groupByPatient(studies: StudyEntry[]): PatientGroup[] {
  return groupSorted([...studies].sort(byDateDesc));
}

/** Groups studies already sorted newest first. */
function groupSorted(studies: StudyEntry[]): PatientGroup[] {
  const groups = new Map<string, PatientGroup>();
  for (const s of studies) {
    let g = groups.get(s.patientKey);
    if (!g) {
      g = { patientKey: s.patientKey, patientNumber: s.patientNumber, patientName: s.patientName, studies: [] };
      groups.set(s.patientKey, g);
    }
    g.studies.push(s);
  }
  // Insertion order follows the sorted studies, so groups are already newest first.
  return [...groups.values()];
}
