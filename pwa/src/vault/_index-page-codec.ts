import type { IndexPageBody, PatientItem, StudyItem } from './_local-index.ts';

/**
 * The plaintext of an index page, laid out for a fast unlock: parsing the
 * same page as keyed JSON took ~0.7 s per 100,000 studies, most of it on
 * property names and on strings every study repeats (a facility, a
 * description, a patient's name on each of their studies).
 *
 *   | 0x01 | string table length (u32 LE) | string table: UTF-8 JSON array of distinct strings |
 *   | zero padding to 4 bytes | study count (u32 LE) | patient count (u32 LE) |
 *   | studies: STUDY_FIELDS × i32 LE each | patients: PATIENT_FIELDS × i32 LE each |
 *
 * Every field is an index into the string table; -1 is null. List fields
 * (modalities, document numbers, log pages) are stored joined by LIST_SEP.
 */
const PAGE_V1 = 0x01;
const LIST_SEP = '\u0001';

const STUDY_FIELDS = 19;
const PATIENT_FIELDS = 5;

function joinList(xs: readonly (string | number)[]): string {
  return xs.join(LIST_SEP);
}

function splitList(s: string): string[] {
  return s === '' ? [] : s.split(LIST_SEP);
}

export function encodeIndexPage(body: IndexPageBody): Uint8Array {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const ref = (s: string | null): number => {
    if (s === null) return -1;
    let id = ids.get(s);
    if (id === undefined) {
      id = strings.length;
      strings.push(s);
      ids.set(s, id);
    }
    return id;
  };
  const refs = new Int32Array(body.studies.length * STUDY_FIELDS + body.patients.length * PATIENT_FIELDS);
  let at = 0;
  for (const s of body.studies) {
    const e = s.entry;
    refs[at++] = ref(e.studyId);
    refs[at++] = ref(e.patientKey);
    refs[at++] = ref(e.patientNumber);
    refs[at++] = ref(e.patientName.alphabetic);
    refs[at++] = ref(e.patientName.ideographic);
    refs[at++] = ref(e.patientName.phonetic);
    refs[at++] = ref(e.patientSex);
    refs[at++] = ref(e.patientBirthDate);
    refs[at++] = ref(e.studyDate);
    refs[at++] = ref(joinList(e.modalities));
    refs[at++] = ref(e.bodyPart);
    refs[at++] = ref(e.description);
    refs[at++] = ref(e.facility);
    refs[at++] = ref(e.accessionNumber);
    refs[at++] = ref(joinList(e.documentNumbers));
    refs[at++] = ref(e.reportText);
    refs[at++] = ref(s.studyInstanceUid);
    refs[at++] = ref(`${s.keyId}${LIST_SEP}${s.wrappedKey}`);
    refs[at++] = ref(joinList(s.logPages));
  }
  for (const p of body.patients) {
    refs[at++] = ref(p.patientKey);
    refs[at++] = ref(p.docId);
    refs[at++] = ref(p.keyId);
    refs[at++] = ref(p.wrappedKey);
    refs[at++] = ref(joinList(p.logPages));
  }
  const table = new TextEncoder().encode(JSON.stringify(strings));
  const head = 1 + 4 + table.length;
  const aligned = (head + 3) & ~3;
  const out = new Uint8Array(aligned + 8 + refs.byteLength);
  const view = new DataView(out.buffer);
  out[0] = PAGE_V1;
  view.setUint32(1, table.length, true);
  out.set(table, 5);
  view.setUint32(aligned, body.studies.length, true);
  view.setUint32(aligned + 4, body.patients.length, true);
  writeInt32s(out, aligned + 8, refs);
  return out;
}

export function decodeIndexPage(bytes: Uint8Array): IndexPageBody {
  if (bytes[0] !== PAGE_V1) throw new Error(`unknown index page version ${bytes[0]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tableLength = view.getUint32(1, true);
  const strings = JSON.parse(new TextDecoder().decode(bytes.subarray(5, 5 + tableLength))) as string[];
  const aligned = (5 + tableLength + 3) & ~3;
  const studyCount = view.getUint32(aligned, true);
  const patientCount = view.getUint32(aligned + 4, true);
  const refs = readInt32s(bytes, aligned + 8, studyCount * STUDY_FIELDS + patientCount * PATIENT_FIELDS);
  const str = (i: number): string => strings[refs[i]!]!;
  const studies: StudyItem[] = new Array(studyCount);
  let at = 0;
  for (let n = 0; n < studyCount; n++, at += STUDY_FIELDS) {
    const [keyId = '', wrappedKey = ''] = str(at + 17).split(LIST_SEP);
    studies[n] = {
      entry: {
        studyId: str(at),
        patientKey: str(at + 1),
        patientNumber: str(at + 2),
        patientName: { alphabetic: str(at + 3), ideographic: str(at + 4), phonetic: str(at + 5) },
        patientSex: str(at + 6),
        patientBirthDate: str(at + 7),
        studyDate: str(at + 8),
        modalities: splitList(str(at + 9)),
        bodyPart: str(at + 10),
        description: str(at + 11),
        facility: str(at + 12),
        accessionNumber: str(at + 13),
        documentNumbers: splitList(str(at + 14)),
        reportText: str(at + 15),
      },
      studyInstanceUid: refs[at + 16] === -1 ? null : str(at + 16),
      keyId,
      wrappedKey,
      logPages: splitList(str(at + 18)).map(Number),
    };
  }
  const patients: PatientItem[] = new Array(patientCount);
  for (let n = 0; n < patientCount; n++, at += PATIENT_FIELDS) {
    patients[n] = {
      patientKey: str(at),
      docId: str(at + 1),
      keyId: str(at + 2),
      wrappedKey: str(at + 3),
      logPages: splitList(str(at + 4)).map(Number),
    };
  }
  return { studies, patients };
}

function writeInt32s(out: Uint8Array, offset: number, values: Int32Array): void {
  const view = new DataView(out.buffer, out.byteOffset + offset, values.byteLength);
  for (let i = 0; i < values.length; i++) view.setInt32(i * 4, values[i]!, true);
}

function readInt32s(bytes: Uint8Array, offset: number, count: number): Int32Array {
  if (offset + count * 4 > bytes.length) throw new Error('index page cut short');
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 4);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
  return out;
}
