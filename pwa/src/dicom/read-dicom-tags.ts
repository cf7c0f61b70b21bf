import { NeedWholeFile, parseDicomFile, parseDicomFilePrefix, type ParsedDicomFile } from './_parse-dicom-file.ts';
import { createValueReader, readSpecificCharacterSet } from './_read-values.ts';
import type { PersonName } from './parse-person-name.ts';

/** Media Storage Directory Storage: the SOP class of a DICOMDIR (PS3.4 Annex I, PS3.10 §8.6). */
export const MEDIA_STORAGE_DIRECTORY_SOP_CLASS_UID = '1.2.840.10008.1.3.10';

/**
 * The attributes the import needs from one DICOM file. A string is null when
 * the attribute is absent and '' when it is present but empty (Type 2, PS3.5
 * §7.4). Text is decoded per (0008,0005) and trimmed of its padding (PS3.5
 * §6.2). Dates and times are kept as stored (DA "YYYYMMDD", TM "HHMMSS.FFFFFF",
 * or the old ACR-NEMA "YYYY.MM.DD"); an import normalises them when it needs to.
 */
export interface DicomTags {
  /** (0008,0016), or (0002,0002) Media Storage SOP Class UID when the data set lacks it (a DICOMDIR). */
  readonly sopClassUid: string | null;
  /** (0008,0018) */
  readonly sopInstanceUid: string | null;
  /** (0020,000D) */
  readonly studyInstanceUid: string | null;
  /** (0020,000E) */
  readonly seriesInstanceUid: string | null;
  /** (0002,0010), or the syntax inferred from the data set when the file has no meta header. */
  readonly transferSyntaxUid: string;
  /** False for a bare data set without File Meta Information (no preamble, no "DICM"). */
  readonly hasFileMeta: boolean;
  /** (0008,0060) */
  readonly modality: string | null;
  /** (0010,0020) */
  readonly patientId: string | null;
  /** (0010,0010) */
  readonly patientName: PersonName | null;
  /** (0010,0040) */
  readonly patientSex: string | null;
  /** (0010,0030) */
  readonly patientBirthDate: string | null;
  /** (0008,0020) */
  readonly studyDate: string | null;
  /** (0008,0030) */
  readonly studyTime: string | null;
  /** (0008,1030) */
  readonly studyDescription: string | null;
  /** (0008,103E) */
  readonly seriesDescription: string | null;
  /** (0020,0011) */
  readonly seriesNumber: number | null;
  /** (0020,0013) */
  readonly instanceNumber: number | null;
  /** (0018,0015) */
  readonly bodyPartExamined: string | null;
  /** (0008,0050) */
  readonly accessionNumber: string | null;
  /** (0008,0080) */
  readonly institutionName: string | null;
  /** (0008,0090) */
  readonly referringPhysicianName: PersonName | null;
  /** (0008,0005) as its values, e.g. ['', 'ISO 2022 IR 87']; null when absent (the default repertoire). */
  readonly specificCharacterSet: readonly string[] | null;
  /** (0028,0010) */
  readonly rows: number | null;
  /** (0028,0011) */
  readonly columns: number | null;
  /** (0028,0008); null when absent, which means one frame. */
  readonly numberOfFrames: number | null;
  /** A Media Storage Directory (DICOMDIR): read it with readDicomDir, do not import it as an instance. */
  readonly isDicomDir: boolean;
  /** What was odd but readable: a missing preamble, an unknown character set term, … */
  readonly warnings: readonly string[];
}

/**
 * Reads the tags of one DICOM file: Part 10 with or without the preamble, a
 * bare data set (implicit or explicit VR), explicit VR big endian, deflated, and
 * encapsulated pixel data. Pixel data is skipped over, never decoded or copied.
 *
 * Async because a deflated data set (1.2.840.10008.1.2.1.99) is inflated with
 * the platform's DecompressionStream; every other file is read without waiting.
 *
 * @param fileName named in every error message, e.g. the path inside a folder or ZIP.
 * @throws DicomReadError "not a DICOM file", "truncated: …", "malformed: …" or "unsupported: …".
 */
export async function readDicomTags(bytes: Uint8Array, fileName: string): Promise<DicomTags> {
  return tagsOf(await parseDicomFile(bytes, fileName));
}

/** A file that can be read whole, and in ranges where it allows it. */
export interface DicomByteSource {
  readonly size: number;
  read(): Promise<Uint8Array>;
  readRange?(start: number, end: number): Promise<Uint8Array>;
}

/** Bytes read first: the header before the pixel data fits in this in all but unusual files. */
export const TAG_PREFIX_BYTES = 64 * 1024;

/**
 * readDicomTags for a file not yet in memory: reads the first 64 KiB (and,
 * for encapsulated pixel data, the last 8 bytes) instead of the whole file
 * when that settles the tags, which is most of the time; otherwise the whole
 * file, with the same answers and errors as readDicomTags. `head`: the first
 * TAG_PREFIX_BYTES if the caller has them already (each read has a cost).
 */
export async function readDicomTagsFrom(source: DicomByteSource, fileName: string, head?: Uint8Array): Promise<DicomTags> {
  if (source.readRange && source.size > 2 * TAG_PREFIX_BYTES) {
    try {
      const prefix = head?.length === TAG_PREFIX_BYTES ? head : await source.readRange(0, TAG_PREFIX_BYTES);
      const { file, endsWithSequenceDelimiter } = parseDicomFilePrefix(prefix, source.size, fileName);
      if (!endsWithSequenceDelimiter || isSequenceDelimiter(await source.readRange(source.size - 8, source.size))) return tagsOf(file);
    } catch (error) {
      if (!(error instanceof NeedWholeFile)) throw error;
    }
  }
  return readDicomTags(await source.read(), fileName);
}

/** (FFFE,E0DD) with length 0, little endian: how encapsulated pixel data ends (PS3.5 §A.4). */
function isSequenceDelimiter(tail: Uint8Array): boolean {
  return tail.length === 8 && [0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0].every((b, i) => tail[i] === b);
}

function tagsOf(file: ParsedDicomFile): DicomTags {
  const { dataSet, meta } = file;
  const warnings = [...file.warnings];
  const specificCharacterSet = readSpecificCharacterSet(dataSet);
  const read = createValueReader(dataSet, specificCharacterSet, warnings);
  const readMeta = meta ? createValueReader(meta, null, warnings) : null;

  const sopClassUid = read.string('x00080016', 'UI') ?? readMeta?.string('x00020002', 'UI') ?? null;
  return {
    sopClassUid,
    sopInstanceUid: read.string('x00080018', 'UI'),
    studyInstanceUid: read.string('x0020000d', 'UI'),
    seriesInstanceUid: read.string('x0020000e', 'UI'),
    transferSyntaxUid: file.transferSyntaxUid,
    hasFileMeta: file.hasFileMeta,
    modality: read.string('x00080060', 'CS'),
    patientId: read.string('x00100020', 'LO'),
    patientName: read.personName('x00100010'),
    patientSex: read.string('x00100040', 'CS'),
    patientBirthDate: read.string('x00100030', 'DA'),
    studyDate: read.string('x00080020', 'DA'),
    studyTime: read.string('x00080030', 'TM'),
    studyDescription: read.string('x00081030', 'LO'),
    seriesDescription: read.string('x0008103e', 'LO'),
    seriesNumber: read.integerString('x00200011'),
    instanceNumber: read.integerString('x00200013'),
    bodyPartExamined: read.string('x00180015', 'CS'),
    accessionNumber: read.string('x00080050', 'SH'),
    institutionName: read.string('x00080080', 'LO'),
    referringPhysicianName: read.personName('x00080090'),
    specificCharacterSet,
    rows: read.uint16('x00280010'),
    columns: read.uint16('x00280011'),
    numberOfFrames: read.integerString('x00280008'),
    // (0004,1220) Directory Record Sequence is what makes a DICOMDIR (PS3.3 §F.3).
    isDicomDir: sopClassUid === MEDIA_STORAGE_DIRECTORY_SOP_CLASS_UID || 'x00041220' in dataSet.elements,
    warnings,
  };
}
