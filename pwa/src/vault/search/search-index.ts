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

/** A study with its fields normalised once, when it enters the index, not at every search. */
interface Indexed {
  entry: StudyEntry;
  /** Everything searchable, separated by \u0001 so no term spans two fields. */
  text: string;
  name: string;
  report: string;
  patientNumber: string;
  bodyPart: string;
  description: string;
  facility: string;
  accessionNumber: string;
  documentNumbers: string[];
}

const SEP = '\u0001';

function indexEntry(entry: StudyEntry): Indexed {
  const name = normaliseText(
    [entry.patientName.alphabetic, entry.patientName.ideographic, entry.patientName.phonetic].join(' '),
  );
  let patientNumber = '';
  try {
    patientNumber = normalisePatientNumber(entry.patientNumber);
  } catch {
    // a study without a usable number is still found by its other fields
  }
  const fields = {
    report: normaliseText(entry.reportText),
    bodyPart: normaliseText(entry.bodyPart),
    description: normaliseText(entry.description),
    facility: normaliseText(entry.facility),
    accessionNumber: normaliseText(entry.accessionNumber),
    documentNumbers: entry.documentNumbers.map(normaliseText),
  };
  const text = [
    patientNumber.toLowerCase(),
    name,
    fields.description,
    fields.bodyPart,
    fields.facility,
    fields.accessionNumber,
    ...fields.documentNumbers,
    entry.modalities.join(' ').toLowerCase(),
    fields.report,
  ].join(SEP);
  return { entry, text, name, patientNumber, ...fields };
}

/**
 * The in-memory search over decrypted study entries: a linear scan with the
 * cheap checks first. Measured here, an in-memory filter over 100,000 rows
 * takes ~10 ms, so no inverted index is kept (it would cost memory and
 * unlock time for little).
 */
export class SearchIndex {
  private readonly byId = new Map<string, Indexed>();
  /** The studies newest first, so matches come out in result order without a sort per search. */
  private ordered: Indexed[] | null = null;

  constructor(entries: Iterable<StudyEntry> = []) {
    for (const e of entries) this.put(e);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Adds a study or replaces it after an edit or a sync. */
  put(entry: StudyEntry): void {
    this.byId.set(entry.studyId, indexEntry(entry));
    this.ordered = null;
  }

  remove(studyId: string): void {
    this.byId.delete(studyId);
    this.ordered = null;
  }

  /** Drops everything, e.g. on lock. */
  clear(): void {
    this.byId.clear();
    this.ordered = null;
  }

  /** Matching studies grouped by patient; groups ordered by their newest study. */
  search(query: SearchQuery, options: { limit?: number } = {}): PatientGroup[] {
    this.ordered ??= [...this.byId.values()].sort((a, b) => byDateDesc(a.entry, b.entry));
    const matches: StudyEntry[] = [];
    for (const ix of this.ordered) if (matchesQuery(ix, query)) matches.push(ix.entry);
    return groupSorted(matches).slice(0, options.limit ?? Infinity);
  }

  /** Every study of one patient, newest first: the patient timeline. */
  patient(patientKey: string): PatientGroup | undefined {
    const studies = [...this.byId.values()].filter((ix) => ix.entry.patientKey === patientKey).map((ix) => ix.entry);
    return groupByPatient(studies)[0];
  }
}

function matchesQuery(ix: Indexed, q: SearchQuery): boolean {
  const e = ix.entry;
  if (q.dateFrom !== undefined && (e.studyDate === '' || e.studyDate < q.dateFrom)) return false;
  if (q.dateTo !== undefined && (e.studyDate === '' || e.studyDate > q.dateTo)) return false;
  if (q.modalities && !q.modalities.some((m) => e.modalities.includes(m))) return false;
  if (q.sex !== undefined && e.patientSex !== q.sex) return false;
  if (q.birthDate !== undefined && e.patientBirthDate !== q.birthDate) return false;
  if (q.patientNumber) {
    const pn = q.patientNumber;
    if (pn.prefix ? !ix.patientNumber.startsWith(pn.value) : ix.patientNumber !== pn.value) return false;
  }
  if (q.bodyPart !== undefined && !ix.bodyPart.includes(q.bodyPart)) return false;
  if (q.description !== undefined && !ix.description.includes(q.description)) return false;
  if (q.facility !== undefined && !ix.facility.includes(q.facility)) return false;
  if (q.accessionNumber !== undefined && ix.accessionNumber !== q.accessionNumber) return false;
  if (q.documentNumber !== undefined && !ix.documentNumbers.includes(q.documentNumber)) return false;
  for (const t of q.nameTerms) if (!ix.name.includes(t)) return false;
  for (const t of q.reportTerms) if (!ix.report.includes(t)) return false;
  for (const t of q.terms) if (!ix.text.includes(t)) return false;
  return true;
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
