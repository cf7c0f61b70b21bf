import type { DataSet, Element } from 'dicom-parser';
import { DicomReadError } from './dicom-read-error.ts';
import { parseDicomFileSync } from './_parse-dicom-file.ts';
import { createValueReader, readSpecificCharacterSet } from './_read-values.ts';
import type { ValueReader } from './_read-values.ts';
import type { PersonName } from './parse-person-name.ts';

/** From the PATIENT directory record (PS3.3 §F.5.1). */
export interface DicomDirPatient {
  readonly patientId: string | null;
  readonly patientName: PersonName | null;
}

/** From the STUDY directory record (PS3.3 §F.5.2). */
export interface DicomDirStudy {
  readonly studyInstanceUid: string | null;
  readonly studyDate: string | null;
  readonly studyTime: string | null;
  readonly studyDescription: string | null;
  readonly studyId: string | null;
  readonly accessionNumber: string | null;
}

/** From the SERIES directory record (PS3.3 §F.5.3). */
export interface DicomDirSeries {
  readonly seriesInstanceUid: string | null;
  readonly modality: string | null;
  readonly seriesNumber: number | null;
}

/** One file a DICOMDIR references, with the patient, study and series records above it. */
export interface DicomDirEntry {
  /**
   * Referenced File ID (0004,1500), its components joined with '/', relative
   * to the folder holding the DICOMDIR (PS3.10 §8.2), e.g. "DICOM/ST1/IM000001".
   * The standard allows only upper-case letters, digits and '_', but a CD read
   * on another system may show lower-case names: match case-insensitively.
   */
  readonly path: string;
  /** Directory Record Type (0004,1430): IMAGE, SR DOCUMENT, ENCAP DOC, PRESENTATION, … */
  readonly recordType: string;
  /** Referenced SOP Class UID in File (0004,1510) */
  readonly sopClassUid: string | null;
  /** Referenced SOP Instance UID in File (0004,1511) */
  readonly sopInstanceUid: string | null;
  /** Referenced Transfer Syntax UID in File (0004,1512) */
  readonly transferSyntaxUid: string | null;
  /** Instance Number (0020,0013) of the record */
  readonly instanceNumber: number | null;
  readonly patient: DicomDirPatient | null;
  readonly study: DicomDirStudy | null;
  readonly series: DicomDirSeries | null;
}

interface RecordContext {
  readonly patient: DicomDirPatient | null;
  readonly study: DicomDirStudy | null;
  readonly series: DicomDirSeries | null;
}

interface DirectoryRecord {
  readonly offset: number;
  readonly read: ValueReader;
  readonly type: string;
  readonly inUse: boolean;
}

const ROOT_CONTEXT: RecordContext = { patient: null, study: null, series: null };

/**
 * Lists the files a DICOMDIR references (PS3.3 Annex F), in directory order,
 * each with its patient / study / series context.
 *
 * The records are walked as the standard links them: from the root's first
 * record (0004,1200), along each entity's next-record offsets (0004,1400),
 * down lower-level offsets (0004,1420). If those offsets do not resolve to
 * records (some writers leave them zero or wrong), the Directory Record
 * Sequence is read in order instead, which is how writers lay it out.
 * Records marked not in use (0004,1410 = 0000H) are skipped with what hangs
 * below them.
 *
 * @throws DicomReadError "not a DICOMDIR" for any other DICOM file; "malformed"
 *   for a Referenced File ID that climbs out of the file-set ('.', '..').
 */
export function readDicomDir(bytes: Uint8Array, fileName = 'DICOMDIR'): DicomDirEntry[] {
  const file = parseDicomFileSync(bytes, fileName);
  const sequence = file.dataSet.elements['x00041220'];
  if (!sequence || sequence.vr === 'UN') {
    throw new DicomReadError(fileName, 'not-dicomdir', 'it has no Directory Record Sequence (0004,1220)');
  }

  const warnings: string[] = [];
  const top = createValueReader(file.dataSet, readSpecificCharacterSet(file.dataSet), warnings);
  const records = (sequence.items ?? []).map((item) => toRecord(item, file.dataSet, warnings));

  // Offsets count from the first byte of the file, preamble included (PS3.3
  // Table F.3-3); an item's tag and length take the 8 bytes before its data.
  // They only mean something in a Part 10 file read in place, which a DICOMDIR
  // must be (explicit VR little endian, PS3.10 §8.6).
  const linked = file.hasFileMeta ? walkLinks(records, top.uint32('x00041200') ?? 0) : null;
  const ordered = linked ?? walkSequence(records);
  return ordered.flatMap(({ record, context }) => toEntry(record, context, fileName));
}

function toRecord(item: Element, parent: DataSet, warnings: string[]): DirectoryRecord {
  const dataSet = item.dataSet ?? parent;
  // Each record names its own character set; the keys it holds may need one (PS3.3 §F.5).
  const read = createValueReader(dataSet, readSpecificCharacterSet(dataSet), warnings);
  return {
    offset: item.dataOffset - 8,
    read,
    type: read.string('x00041430', 'CS') ?? '',
    inUse: read.uint16('x00041410') !== 0x0000,
  };
}

interface PlacedRecord {
  readonly record: DirectoryRecord;
  readonly context: RecordContext;
}

/** Depth-first along the offsets; null when an offset leads nowhere or back. */
function walkLinks(records: readonly DirectoryRecord[], rootOffset: number): PlacedRecord[] | null {
  if (records.length === 0) return [];
  if (rootOffset === 0) return null;
  const byOffset = new Map(records.map((record) => [record.offset, record]));
  const visited = new Set<number>();
  const placed: PlacedRecord[] = [];
  // An explicit stack, not recursion: a hostile file could nest deeply.
  const stack: { offset: number; context: RecordContext }[] = [{ offset: rootOffset, context: ROOT_CONTEXT }];
  while (stack.length > 0) {
    const { offset, context } = stack.pop()!;
    if (offset === 0) continue;
    const record = byOffset.get(offset);
    if (!record || visited.has(offset)) return null;
    visited.add(offset);
    // The next sibling waits until this record's lower level has been listed.
    stack.push({ offset: record.read.uint32('x00041400') ?? 0, context });
    if (!record.inUse) continue;
    const inner = enter(record, context);
    placed.push({ record, context: inner });
    stack.push({ offset: record.read.uint32('x00041420') ?? 0, context: inner });
  }
  return placed;
}

/** In sequence order, a record's level telling where it hangs (PS3.3 Figure F.4-1). */
function walkSequence(records: readonly DirectoryRecord[]): PlacedRecord[] {
  const placed: PlacedRecord[] = [];
  let context = ROOT_CONTEXT;
  let skipBelow: number | null = null;
  for (const record of records) {
    const level = levelOf(record.type);
    if (skipBelow !== null && level > skipBelow) continue;
    skipBelow = null;
    if (!record.inUse) {
      skipBelow = level;
      continue;
    }
    const parent: RecordContext =
      level === 0 ? ROOT_CONTEXT
      : level === 1 ? { patient: context.patient, study: null, series: null }
      : level === 2 ? { ...context, series: null }
      : context;
    const inner = enter(record, parent);
    if (level <= 2) context = inner;
    placed.push({ record, context: inner });
  }
  return placed;
}

function levelOf(type: string): number {
  switch (type) {
    case 'PATIENT':
      return 0;
    case 'STUDY':
      return 1;
    case 'SERIES':
      return 2;
    default:
      return 3;
  }
}

/** The context below a record: a PATIENT, STUDY or SERIES record sets its level and clears those under it. */
function enter(record: DirectoryRecord, context: RecordContext): RecordContext {
  const { read } = record;
  switch (record.type) {
    case 'PATIENT':
      return {
        patient: { patientId: read.string('x00100020', 'LO'), patientName: read.personName('x00100010') },
        study: null,
        series: null,
      };
    case 'STUDY':
      return {
        patient: context.patient,
        study: {
          studyInstanceUid: read.string('x0020000d', 'UI'),
          studyDate: read.string('x00080020', 'DA'),
          studyTime: read.string('x00080030', 'TM'),
          studyDescription: read.string('x00081030', 'LO'),
          studyId: read.string('x00200010', 'SH'),
          accessionNumber: read.string('x00080050', 'SH'),
        },
        series: null,
      };
    case 'SERIES':
      return {
        patient: context.patient,
        study: context.study,
        series: {
          seriesInstanceUid: read.string('x0020000e', 'UI'),
          modality: read.string('x00080060', 'CS'),
          seriesNumber: read.integerString('x00200011'),
        },
      };
    default:
      return context;
  }
}

function toEntry(record: DirectoryRecord, context: RecordContext, fileName: string): DicomDirEntry[] {
  const components = record.read.strings('x00041500', 'CS');
  if (components === null) return [];
  // PS3.10 §8.2: up to 8 components naming a file inside the file-set; a
  // component that walks out of it ('..') or is empty would let a crafted CD
  // point the import at files the user did not choose.
  if (components.length === 0 || components.some((c) => c === '' || c === '.' || c === '..' || /[/\\:]/.test(c))) {
    throw new DicomReadError(
      fileName,
      'malformed',
      `Referenced File ID (0004,1500) ${JSON.stringify(components.join('\\'))} does not name a file inside the file-set`,
    );
  }
  return [
    {
      path: components.join('/'),
      recordType: record.type,
      sopClassUid: record.read.string('x00041510', 'UI'),
      sopInstanceUid: record.read.string('x00041511', 'UI'),
      transferSyntaxUid: record.read.string('x00041512', 'UI'),
      instanceNumber: record.read.integerString('x00200013'),
      ...context,
    },
  ];
}
