import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DicomReadError, readDicomDir, readDicomTags } from './index.ts';
import type { DicomDirEntry } from './index.ts';
import { itemLength, writeTestDicom } from './_write-test-dicom.ts';
import type { TestElement, TestItem } from './_write-test-dicom.ts';

// Both sit beside the checkout (DESIGN.md §9).
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cdDir = resolve(repoRoot, '..', 'shared', 'dicom-corpus-cd');
const corpusDir = resolve(repoRoot, '..', 'shared', 'dicom-corpus');
const hasCd = existsSync(join(cdDir, 'DICOMDIR'));
const pydicomDirDir = join(corpusDir, 'pydicom-dicomdirtests');
const hasPydicomDir = existsSync(join(pydicomDirDir, 'DICOMDIR'));

function readBytes(path: string): Uint8Array {
  const buffer = readFileSync(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

describe.skipIf(!hasCd)(
  hasCd ? 'readDicomDir on the CD folder' : `readDicomDir on the CD folder (skipped: ${cdDir} does not exist)`,
  () => {
    const entries = hasCd ? readDicomDir(readBytes(join(cdDir, 'DICOMDIR'))) : [];

    it('lists the five files the DICOMDIR references, and not the sixth (its README)', () => {
      expect(entries.map((entry) => entry.path).sort()).toEqual([
        'DICOM/ST1/IM000001',
        'DICOM/ST1/IM000002',
        'DICOM/ST1/IM000003',
        'DICOM/ST1/IM000004',
        'DICOM/ST1/IM000005',
      ]);
      for (const entry of entries) expect(existsSync(join(cdDir, entry.path)), entry.path).toBe(true);
      expect(existsSync(join(cdDir, 'DICOM/ST1/IM000006'))).toBe(true);
    });

    it('puts each file under the patient, study and series its own tags name', async () => {
      for (const entry of entries) {
        const tags = await readDicomTags(readBytes(join(cdDir, entry.path)), entry.path);
        expect(entry, entry.path).toMatchObject({
          recordType: 'IMAGE',
          sopClassUid: tags.sopClassUid,
          sopInstanceUid: tags.sopInstanceUid,
          transferSyntaxUid: tags.transferSyntaxUid,
          instanceNumber: tags.instanceNumber,
          patient: { patientId: tags.patientId, patientName: tags.patientName },
          study: { studyInstanceUid: tags.studyInstanceUid },
          series: { seriesInstanceUid: tags.seriesInstanceUid, modality: tags.modality },
        });
      }
    });

    it('groups the two CT studies under one patient', () => {
      const ct = entries.filter((entry) => entry.patient?.patientId === '1CT1');
      expect(ct.map((entry) => entry.path).sort()).toEqual(['DICOM/ST1/IM000001', 'DICOM/ST1/IM000003']);
      expect(new Set(ct.map((entry) => entry.study?.studyInstanceUid)).size).toBe(2);
    });

    it('decodes the Japanese patient record with its own character set', () => {
      const h31 = entries.find((entry) => entry.patient?.patientId === 'H31EXAMPLE');
      expect(h31?.patient?.patientName).toMatchObject({ alphabetic: 'Yamada^Tarou', ideographic: '山田^太郎', phonetic: 'やまだ^たろう' });
    });

    it('is recognised by readDicomTags as a DICOMDIR', async () => {
      const tags = await readDicomTags(readBytes(join(cdDir, 'DICOMDIR')), 'DICOMDIR');
      expect(tags.isDicomDir).toBe(true);
    });
  },
);

describe.skipIf(!hasPydicomDir)(
  hasPydicomDir
    ? 'readDicomDir on pydicom-dicomdirtests/DICOMDIR'
    : `readDicomDir on pydicom-dicomdirtests/DICOMDIR (skipped: ${pydicomDirDir} does not exist)`,
  () => {
    const bytes = hasPydicomDir ? readBytes(join(pydicomDirDir, 'DICOMDIR')) : new Uint8Array(0);
    const entries = hasPydicomDir ? readDicomDir(bytes) : [];

    /** Referenced File IDs found by scanning for the element's bytes: (0004,1500) CS, explicit VR LE. */
    function scanReferencedFileIds(): string[] {
      const ids: string[] = [];
      for (let i = 0; i + 8 <= bytes.length; i++) {
        if (bytes[i] === 0x04 && bytes[i + 1] === 0 && bytes[i + 2] === 0 && bytes[i + 3] === 0x15 && bytes[i + 4] === 0x43 && bytes[i + 5] === 0x53) {
          const length = bytes[i + 6]! | (bytes[i + 7]! << 8);
          ids.push(String.fromCharCode(...bytes.subarray(i + 8, i + 8 + length)).trim().split('\\').join('/'));
        }
      }
      return ids;
    }

    it('lists every file its 52 directory records reference', () => {
      // 2 PATIENT, 6 STUDY, 13 SERIES and 31 IMAGE records (the manifest counts 52).
      const scanned = scanReferencedFileIds();
      expect(scanned).toHaveLength(31);
      expect(entries.map((entry) => entry.path).sort()).toEqual(scanned.sort());
      expect(entries.every((entry) => entry.recordType === 'IMAGE')).toBe(true);
    });

    it('keeps the patient, study and series hierarchy', () => {
      const distinct = (values: readonly (string | null | undefined)[]): number => new Set(values).size;
      expect(distinct(entries.map((entry) => entry.patient?.patientId))).toBe(2);
      expect(distinct(entries.map((entry) => entry.study?.studyInstanceUid))).toBe(6);
      expect(distinct(entries.map((entry) => entry.series?.seriesInstanceUid))).toBe(13);
      expect(entries[0]).toMatchObject({
        path: '77654033/CR1/6154',
        sopClassUid: '1.2.840.10008.5.1.4.1.1.1',
        patient: { patientId: '77654033', patientName: { alphabetic: 'Doe^Archibald' } },
        study: { studyDate: '20010101', studyDescription: 'XR C Spine Comp Min 4 Views' },
        series: { modality: 'CR', seriesNumber: 1 },
      });
    });

    it('references files the corpus does not hold (it ships the DICOMDIR alone)', () => {
      expect(entries.filter((entry) => existsSync(join(pydicomDirDir, entry.path)))).toEqual([]);
    });
  },
);

// ---------------------------------------------------------------------------
// Synthetic DICOMDIRs: offsets, inactive records, hostile paths

const DICOMDIR_META = { transferSyntaxUid: '1.2.840.10008.1.2.1', sopClassUid: '1.2.840.10008.1.3.10' };

interface TestRecord {
  readonly type: 'PATIENT' | 'STUDY' | 'SERIES' | 'IMAGE';
  readonly keys: readonly TestElement[];
  /** Index (in sequence order) of the next record on the same level. */
  readonly next?: number;
  /** Index of the first record on the level below. */
  readonly lower?: number;
  readonly inUse?: boolean;
}

/**
 * Writes a DICOMDIR whose records sit in the sequence in the order given, linked
 * by offsets as `next` and `lower` say (PS3.3 §F.3.2.1). Offsets count from the
 * first byte of the file; each record is a defined-length item, so its size is
 * known before the offsets are filled in.
 */
function writeDicomDir(records: readonly TestRecord[], root: number | null): Uint8Array {
  const toItem = (record: TestRecord, offsets: readonly number[]): TestItem => ({
    elements: [
      { tag: 0x00041400, vr: 'UL', value: record.next === undefined ? 0 : offsets[record.next]! },
      { tag: 0x00041410, vr: 'US', value: record.inUse === false ? 0x0000 : 0xffff },
      { tag: 0x00041420, vr: 'UL', value: record.lower === undefined ? 0 : offsets[record.lower]! },
      { tag: 0x00041430, vr: 'CS', value: record.type },
      ...record.keys,
    ],
  });
  const topBefore = (rootOffset: number): TestElement[] => [
    { tag: 0x00041130, vr: 'CS', value: 'TEST' },
    { tag: 0x00041200, vr: 'UL', value: rootOffset },
    { tag: 0x00041202, vr: 'UL', value: 0 },
    { tag: 0x00041212, vr: 'US', value: 0 },
  ];
  const header = writeTestDicom(topBefore(0), { meta: DICOMDIR_META }).length;
  const sequenceHeader = 12; // tag, "SQ", reserved, 4-byte length
  const offsets: number[] = [];
  let position = header + sequenceHeader;
  for (const record of records) {
    offsets.push(position);
    position += itemLength(toItem(record, records.map(() => 0)));
  }
  const items = records.map((record) => toItem(record, offsets));
  return writeTestDicom([...topBefore(root === null ? 0 : offsets[root]!), { tag: 0x00041220, vr: 'SQ', value: items }], {
    meta: DICOMDIR_META,
  });
}

const patient = (id: string): TestElement[] => [
  { tag: 0x00100010, vr: 'PN', value: `Patient^${id}` },
  { tag: 0x00100020, vr: 'LO', value: id },
];
const study = (uid: string): TestElement[] => [
  { tag: 0x00080020, vr: 'DA', value: '20240101' },
  { tag: 0x0020000d, vr: 'UI', value: uid },
];
const series = (uid: string, modality: string): TestElement[] => [
  { tag: 0x00080060, vr: 'CS', value: modality },
  { tag: 0x0020000e, vr: 'UI', value: uid },
  { tag: 0x00200011, vr: 'IS', value: '3' },
];
const image = (fileId: string, uid: string): TestElement[] => [
  { tag: 0x00041500, vr: 'CS', value: fileId },
  { tag: 0x00041510, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
  { tag: 0x00041511, vr: 'UI', value: uid },
  { tag: 0x00041512, vr: 'UI', value: '1.2.840.10008.1.2.1' },
  { tag: 0x00200013, vr: 'IS', value: uid.slice(-1) },
];

function summary(entries: readonly DicomDirEntry[]): string[] {
  return entries.map((e) => `${e.path} ${e.patient?.patientId}/${e.study?.studyInstanceUid}/${e.series?.modality}`);
}

describe('readDicomDir: synthetic directories', () => {
  it('follows the offsets, not the sequence order', () => {
    // Sequence order: records scrambled; the links say
    // P1 → S1 → SE1 → [IMG1, IMG2], and P1.next = P2 → S2 → SE2 → IMG3.
    const file = writeDicomDir(
      [
        /* 0 */ { type: 'IMAGE', keys: image('DIR\\IMG2', '1.2.2'), next: undefined },
        /* 1 */ { type: 'SERIES', keys: series('1.1.1', 'CT'), lower: 2 },
        /* 2 */ { type: 'IMAGE', keys: image('DIR\\IMG1', '1.2.1'), next: 0 },
        /* 3 */ { type: 'PATIENT', keys: patient('P2'), lower: 7 },
        /* 4 */ { type: 'STUDY', keys: study('1.1'), lower: 1 },
        /* 5 */ { type: 'PATIENT', keys: patient('P1'), lower: 4, next: 3 },
        /* 6 */ { type: 'IMAGE', keys: image('DIR\\IMG3', '1.2.3') },
        /* 7 */ { type: 'STUDY', keys: study('2.1'), lower: 8 },
        /* 8 */ { type: 'SERIES', keys: series('2.1.1', 'MR'), lower: 6 },
      ],
      5,
    );
    const entries = readDicomDir(file, 'TEST/DICOMDIR');
    expect(summary(entries)).toEqual(['DIR/IMG1 P1/1.1/CT', 'DIR/IMG2 P1/1.1/CT', 'DIR/IMG3 P2/2.1/MR']);
    expect(entries[0]).toMatchObject({
      recordType: 'IMAGE',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      sopInstanceUid: '1.2.1',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      instanceNumber: 1,
      patient: { patientId: 'P1', patientName: { alphabetic: 'Patient^P1', formatted: 'Patient, P1' } },
      study: { studyInstanceUid: '1.1', studyDate: '20240101' },
      series: { seriesInstanceUid: '1.1.1', modality: 'CT', seriesNumber: 3 },
    });
  });

  const depthFirst: TestRecord[] = [
    /* 0 */ { type: 'PATIENT', keys: patient('P1'), lower: 1, next: 5 },
    /* 1 */ { type: 'STUDY', keys: study('1.1'), lower: 2 },
    /* 2 */ { type: 'SERIES', keys: series('1.1.1', 'CT'), lower: 3 },
    /* 3 */ { type: 'IMAGE', keys: image('A\\1', '1.2.1'), next: 4 },
    /* 4 */ { type: 'IMAGE', keys: image('A\\2', '1.2.2') },
    /* 5 */ { type: 'PATIENT', keys: patient('P2'), lower: 6 },
    /* 6 */ { type: 'STUDY', keys: study('2.1'), lower: 7 },
    /* 7 */ { type: 'SERIES', keys: series('2.1.1', 'US'), lower: 8 },
    /* 8 */ { type: 'IMAGE', keys: image('B\\1', '1.2.3') },
  ];

  it('reads the sequence in order when the root offset is zero', () => {
    expect(summary(readDicomDir(writeDicomDir(depthFirst, null)))).toEqual([
      'A/1 P1/1.1/CT',
      'A/2 P1/1.1/CT',
      'B/1 P2/2.1/US',
    ]);
  });

  it('reads the sequence in order when an offset points at no record', () => {
    const file = writeDicomDir(depthFirst, 0);
    // Point the root one byte past the first record: no record starts there.
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const rootAt = findUl(file, 0x00041200);
    view.setUint32(rootAt, view.getUint32(rootAt, true) + 1, true);
    expect(summary(readDicomDir(file))).toEqual(['A/1 P1/1.1/CT', 'A/2 P1/1.1/CT', 'B/1 P2/2.1/US']);
  });

  it('skips records not in use, with everything below them', () => {
    const records = depthFirst.map((record, index) =>
      index === 2 ? { ...record, inUse: false } : index === 8 ? { ...record, inUse: false } : record,
    );
    expect(summary(readDicomDir(writeDicomDir(records, 0)))).toEqual([]);
    expect(summary(readDicomDir(writeDicomDir(records, null)))).toEqual([]);
    const oneImage = depthFirst.map((record, index) => (index === 3 ? { ...record, inUse: false } : record));
    expect(summary(readDicomDir(writeDicomDir(oneImage, 0)))).toEqual(['A/2 P1/1.1/CT', 'B/1 P2/2.1/US']);
  });

  it('refuses a Referenced File ID that leaves the file-set', () => {
    for (const fileId of ['..\\..\\ETC\\PASSWD', 'A\\.\\B', 'A\\\\B']) {
      const file = writeDicomDir([{ type: 'IMAGE', keys: image(fileId, '1.2.1') }], 0);
      let caught: unknown;
      try {
        readDicomDir(file, 'CD/DICOMDIR');
      } catch (error) {
        caught = error;
      }
      expect(caught, fileId).toBeInstanceOf(DicomReadError);
      expect((caught as DicomReadError).message).toMatch(/^CD\/DICOMDIR: malformed: Referenced File ID \(0004,1500\)/);
    }
  });

  it('returns nothing for an empty directory', () => {
    expect(readDicomDir(writeDicomDir([], null))).toEqual([]);
  });

  it('refuses a DICOM file that is not a DICOMDIR', () => {
    const file = writeTestDicom([{ tag: 0x00080018, vr: 'UI', value: '1.2.3' }], { meta: { transferSyntaxUid: '1.2.840.10008.1.2.1' } });
    expect(() => readDicomDir(file, 'IM0001')).toThrow('IM0001: not a DICOMDIR: it has no Directory Record Sequence (0004,1220)');
    expect(() => readDicomDir(new Uint8Array(300), 'zeros')).toThrow('zeros: not a DICOM file');
  });
});

/** Offset of the value of a top-level UL element (explicit VR LE, short form) in the file. */
function findUl(file: Uint8Array, tag: number): number {
  const group = tag >>> 16;
  const element = tag & 0xffff;
  for (let i = 132; i + 8 <= file.length; i++) {
    if (
      file[i] === (group & 0xff) && file[i + 1] === group >>> 8 &&
      file[i + 2] === (element & 0xff) && file[i + 3] === element >>> 8 &&
      file[i + 4] === 0x55 && file[i + 5] === 0x4c
    ) {
      return i + 8;
    }
  }
  throw new Error(`no UL element ${tag.toString(16)}`);
}
