import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DicomReadError, formatPersonNameValue, readDicomTags } from './index.ts';
import type { DicomTags } from './index.ts';
import { concat, hexBytes, writeTestDicom } from './_write-test-dicom.ts';
import type { TestElement, TestFileOptions } from './_write-test-dicom.ts';

// The shared corpus sits beside the checkout (DESIGN.md §9): <repo>/../shared/dicom-corpus.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const corpusDir = resolve(repoRoot, '..', 'shared', 'dicom-corpus');
const hasCorpus = existsSync(join(corpusDir, 'manifest.json'));

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';

/** A plain Uint8Array over the file, as a browser's File.arrayBuffer() gives (not a Node Buffer). */
function readBytes(path: string): Uint8Array {
  const buffer = readFileSync(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

async function readError(promise: Promise<unknown>): Promise<DicomReadError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DicomReadError);
    return error as DicomReadError;
  }
  throw new Error('expected a DicomReadError, but the read succeeded');
}

// ---------------------------------------------------------------------------
// The shared corpus against its manifest

interface ManifestFile {
  readonly path: string;
  readonly read: string;
  readonly traits?: string;
  readonly has_file_meta: boolean;
  readonly transfer_syntax_uid: string | null;
  readonly transfer_syntax_inferred?: string;
  readonly sop_class_uid: string | null;
  readonly size: number;
  readonly [attribute: string]: unknown;
}

/**
 * The manifest's `read` is pydicom's verdict: "ok", or "needed force=True (…)"
 * for a data set without File Meta Information, which pydicom reads only when
 * forced and Kura reads on purpose (DESIGN.md §8). pydicom reads lazily, so it
 * calls pydicom__MR_truncated.dcm "ok" although its Pixel Data is cut short;
 * the manifest's traits mark it MALFORMED, and Kura refuses it, so that an
 * import never stores a damaged instance.
 */
function isReadable(file: ManifestFile): boolean {
  if (file.traits?.startsWith('MALFORMED')) return false;
  return file.read === 'ok' || file.read.startsWith('needed force=True');
}

/** The tags under the manifest's names, in the manifest's representation. */
function asManifest(tags: DicomTags): Record<string, unknown> {
  const charset = tags.specificCharacterSet;
  return {
    transfer_syntax_uid: tags.transferSyntaxUid,
    has_file_meta: tags.hasFileMeta,
    sop_class_uid: tags.sopClassUid,
    SOPInstanceUID: tags.sopInstanceUid,
    StudyInstanceUID: tags.studyInstanceUid,
    SeriesInstanceUID: tags.seriesInstanceUid,
    Modality: tags.modality,
    PatientID: tags.patientId,
    // The manifest writes PN as stored: component groups joined by '=' (pydicom's str()).
    PatientName: tags.patientName === null ? null : formatPersonNameValue(tags.patientName),
    PatientSex: tags.patientSex,
    PatientBirthDate: tags.patientBirthDate,
    StudyDate: tags.studyDate,
    StudyDescription: tags.studyDescription,
    BodyPartExamined: tags.bodyPartExamined,
    AccessionNumber: tags.accessionNumber,
    InstitutionName: tags.institutionName,
    SpecificCharacterSet: charset === null ? null : charset.length === 1 ? charset[0] : [...charset],
    Rows: tags.rows,
    Columns: tags.columns,
    NumberOfFrames: tags.numberOfFrames,
  };
}

function expectedFromManifest(file: ManifestFile): Record<string, unknown> {
  const expected: Record<string, unknown> = {};
  for (const key of MANIFEST_KEYS) expected[key] = file[key] ?? null;
  // A file without a meta header has no declared syntax; the manifest notes the one pydicom inferred.
  expected['transfer_syntax_uid'] = file.transfer_syntax_uid ?? file.transfer_syntax_inferred ?? null;
  return expected;
}

const MANIFEST_KEYS = [
  'transfer_syntax_uid', 'has_file_meta', 'sop_class_uid', 'SOPInstanceUID', 'StudyInstanceUID',
  'SeriesInstanceUID', 'Modality', 'PatientID', 'PatientName', 'PatientSex', 'PatientBirthDate', 'StudyDate',
  'StudyDescription', 'BodyPartExamined', 'AccessionNumber', 'InstitutionName', 'SpecificCharacterSet',
  'Rows', 'Columns', 'NumberOfFrames',
] as const;

const manifest: readonly ManifestFile[] = hasCorpus
  ? (JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8')) as { files: ManifestFile[] }).files
  : [];

describe.skipIf(!hasCorpus)(
  hasCorpus ? 'readDicomTags on the shared corpus' : `readDicomTags on the shared corpus (skipped: ${corpusDir} does not exist)`,
  () => {
    it('has files to read', () => {
      expect(manifest.length).toBeGreaterThan(0);
    });

    it.each(manifest.filter(isReadable).map((file) => [file.path, file] as const))(
      'reads %s as the manifest says',
      async (path, file) => {
        const tags = await readDicomTags(readBytes(join(corpusDir, path)), path);
        expect(asManifest(tags)).toEqual(expectedFromManifest(file));
        expect(tags.isDicomDir).toBe(file.sop_class_uid === '1.2.840.10008.1.3.10');
        expect(tags.warnings).toEqual([]);
      },
    );

    it.each(manifest.filter((file) => !isReadable(file)).map((file) => [file.path] as const))(
      'refuses %s with a DicomReadError naming the file',
      async (path) => {
        const error = await readError(readDicomTags(readBytes(join(corpusDir, path)), path));
        expect(error.message.startsWith(`${path}: `)).toBe(true);
        expect(error.fileName).toBe(path);
        expect(error.name).toBe('DicomReadError');
      },
    );

    it('says why pydicom__MR_truncated.dcm is refused', async () => {
      const path = 'pydicom__MR_truncated.dcm';
      const error = await readError(readDicomTags(readBytes(join(corpusDir, path)), path));
      expect(error.reason).toBe('truncated');
      expect(error.message).toMatch(/^pydicom__MR_truncated\.dcm: truncated: Pixel Data \(7FE0,0010\) declares 8192 bytes/);
    });

    it('decodes every component group of the Japanese and Chinese names', async () => {
      const h31 = await readDicomTags(readBytes(join(corpusDir, 'pydicom__chrH31.dcm')), 'chrH31');
      expect(h31.patientName).toEqual({
        alphabetic: 'Yamada^Tarou',
        ideographic: '山田^太郎',
        phonetic: 'やまだ^たろう',
        formatted: 'Yamada, Tarou (山田 太郎, やまだ たろう)',
      });
      const x1 = await readDicomTags(readBytes(join(corpusDir, 'pydicom__chrX1.dcm')), 'chrX1');
      expect(x1.patientName?.ideographic).toBe('王^小東');
    });

    it('refuses every corpus file cut short inside its data with a DicomReadError, nothing else', async () => {
      for (const file of manifest.filter(isReadable)) {
        const bytes = readBytes(join(corpusDir, file.path));
        // Cut inside the first element after the meta header or the start: a
        // place where the cut cannot fall on an element boundary by chance.
        for (const length of [0, 3, 131, 140, Math.floor(bytes.length / 2) + 1, bytes.length - 1]) {
          try {
            await readDicomTags(bytes.subarray(0, length), file.path);
          } catch (error) {
            expect(error, `${file.path} cut at ${length}`).toBeInstanceOf(DicomReadError);
          }
        }
      }
    });

    // Not a timed assertion (bench/ prints figures): a one-line figure, so a
    // slowdown (copying files, walking pixels) is visible in the test output.
    it('reads the whole corpus quickly', async () => {
      const files = manifest.filter(isReadable).map((file) => ({ path: file.path, bytes: readBytes(join(corpusDir, file.path)) }));
      const rounds = 20;
      const started = performance.now();
      for (let round = 0; round < rounds; round++) {
        for (const file of files) await readDicomTags(file.bytes, file.path);
      }
      const perFile = (performance.now() - started) / (rounds * files.length);
      const megabytes = files.reduce((sum, file) => sum + file.bytes.length, 0) / 1e6;
      console.info(`readDicomTags: ${files.length} files (${megabytes.toFixed(1)} MB), ${perFile.toFixed(3)} ms per file on average`);
    });
  },
);

// ---------------------------------------------------------------------------
// Synthetic files: every layout and character set, without the corpus

const IDENTITY: readonly TestElement[] = [
  { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
  { tag: 0x00080018, vr: 'UI', value: '1.2.3.4.5' },
  { tag: 0x00080020, vr: 'DA', value: '20240131' },
  { tag: 0x00080060, vr: 'CS', value: 'OT' },
  { tag: 0x00100010, vr: 'PN', value: 'Doe^Jane' },
  { tag: 0x00100020, vr: 'LO', value: 'P-001' },
  { tag: 0x0020000d, vr: 'UI', value: '1.2.3.4' },
  { tag: 0x0020000e, vr: 'UI', value: '1.2.3.4.1' },
  { tag: 0x00200013, vr: 'IS', value: '7' },
  { tag: 0x00280010, vr: 'US', value: 300 },
  { tag: 0x00280011, vr: 'US', value: 260 },
];

function withPixels(pixels: TestElement): TestElement[] {
  return [...IDENTITY, pixels];
}

async function readSynthetic(elements: readonly TestElement[], options: TestFileOptions, name = 'test.dcm'): Promise<DicomTags> {
  return readDicomTags(writeTestDicom(elements, options), name);
}

function expectIdentity(tags: DicomTags): void {
  expect(tags).toMatchObject({
    sopClassUid: '1.2.840.10008.5.1.4.1.1.7',
    sopInstanceUid: '1.2.3.4.5',
    studyInstanceUid: '1.2.3.4',
    seriesInstanceUid: '1.2.3.4.1',
    studyDate: '20240131',
    modality: 'OT',
    patientId: 'P-001',
    instanceNumber: 7,
    rows: 300,
    columns: 260,
  });
  expect(tags.patientName?.alphabetic).toBe('Doe^Jane');
}

async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  void writer.write(bytes as Uint8Array<ArrayBuffer>);
  void writer.close();
  return new Uint8Array(await new Response(stream.readable).arrayBuffer());
}

/** A deflated file: the meta header as is, the data set deflated after it (PS3.5 §A.5). */
async function writeDeflated(elements: readonly TestElement[], pad = false): Promise<Uint8Array> {
  const header = writeTestDicom([], { meta: { transferSyntaxUid: DEFLATED } });
  const deflated = await deflateRaw(writeTestDicom(elements, {}));
  return concat([header, deflated, pad ? new Uint8Array(1) : new Uint8Array(0)]);
}

describe('readDicomTags: file layouts', () => {
  const pixels: TestElement = { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(64) };

  it('reads Part 10, explicit VR little endian', async () => {
    const tags = await readSynthetic(withPixels(pixels), { meta: { transferSyntaxUid: EXPLICIT_LE } });
    expectIdentity(tags);
    expect(tags).toMatchObject({ transferSyntaxUid: EXPLICIT_LE, hasFileMeta: true, isDicomDir: false, warnings: [] });
  });

  it('reads Part 10, implicit VR little endian', async () => {
    const tags = await readSynthetic(withPixels(pixels), { meta: { transferSyntaxUid: IMPLICIT_LE }, encoding: 'implicit-le' });
    expectIdentity(tags);
    expect(tags.transferSyntaxUid).toBe(IMPLICIT_LE);
  });

  it('reads Part 10, explicit VR big endian, numbers in big-endian order', async () => {
    const tags = await readSynthetic(withPixels(pixels), { meta: { transferSyntaxUid: EXPLICIT_BE }, encoding: 'explicit-be' });
    expectIdentity(tags);
    expect(tags.transferSyntaxUid).toBe(EXPLICIT_BE);
  });

  it('reads a meta header written without the preamble, and says so', async () => {
    const tags = await readSynthetic(withPixels(pixels), { meta: { transferSyntaxUid: EXPLICIT_LE }, preamble: false });
    expectIdentity(tags);
    expect(tags.hasFileMeta).toBe(true);
    expect(tags.warnings.join()).toMatch(/without the 128-byte preamble/);
  });

  it.each([
    ['implicit VR little endian', 'implicit-le', IMPLICIT_LE],
    ['explicit VR little endian', 'explicit-le', EXPLICIT_LE],
    ['explicit VR big endian', 'explicit-be', EXPLICIT_BE],
  ] as const)('reads a bare data set in %s, inferring its syntax', async (_name, encoding, uid) => {
    const tags = await readSynthetic(withPixels(pixels), { encoding });
    expectIdentity(tags);
    expect(tags).toMatchObject({ hasFileMeta: false, transferSyntaxUid: uid });
  });

  it('reads a data set that follows "DICM" without a meta group', async () => {
    const file = concat([new Uint8Array(128), new Uint8Array([0x44, 0x49, 0x43, 0x4d]), writeTestDicom(withPixels(pixels), { encoding: 'implicit-le' })]);
    const tags = await readDicomTags(file, 'no-meta.dcm');
    expectIdentity(tags);
    expect(tags).toMatchObject({ hasFileMeta: false, transferSyntaxUid: IMPLICIT_LE });
    expect(tags.warnings.join()).toMatch(/no file meta information after the "DICM" prefix/);
  });

  it('calls a cut bare data set truncated, not "not a DICOM file"', async () => {
    const file = writeTestDicom(withPixels(pixels), { encoding: 'implicit-le' });
    for (const cut of [10, 40]) {
      const error = await readError(readDicomTags(file.subarray(0, file.length - cut), 'bare.dcm'));
      expect(error.reason, `cut ${cut}`).toBe('truncated');
    }
  });

  it('reads the data set as it is encoded when the header names the other VR encoding', async () => {
    const tags = await readSynthetic(withPixels(pixels), { meta: { transferSyntaxUid: EXPLICIT_LE }, encoding: 'implicit-le' });
    expectIdentity(tags);
    expect(tags.warnings.join()).toMatch(/declared, but the data set is encoded implicit-le/);
  });

  it('inflates a deflated data set, with or without a padding byte', async () => {
    for (const pad of [false, true]) {
      const tags = await readDicomTags(await writeDeflated(withPixels(pixels), pad), 'deflated.dcm');
      expectIdentity(tags);
      expect(tags.transferSyntaxUid).toBe(DEFLATED);
    }
  });

  it('refuses a deflated data set that does not inflate', async () => {
    const file = await writeDeflated(withPixels(pixels));
    const header = writeTestDicom([], { meta: { transferSyntaxUid: DEFLATED } }).length;
    const cut = await readError(readDicomTags(file.subarray(0, header + 20), 'cut-deflate.dcm'));
    expect(cut.message).toMatch(/^cut-deflate\.dcm: (truncated|malformed): /);
    const garbage = concat([file.subarray(0, header), new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]);
    const error = await readError(readDicomTags(garbage, 'garbage-deflate.dcm'));
    expect(error.message).toMatch(/^garbage-deflate\.dcm: (truncated|malformed): the deflated data set does not inflate/);
  });

  it('skips encapsulated pixel data without decoding it (PS3.5 §A.4)', async () => {
    // Pixel Data of undefined length: an item per fragment, the first the
    // basic offset table (here empty), then a sequence delimiter.
    const fragment = (bytes: number[]): Uint8Array =>
      concat([new Uint8Array([0xfe, 0xff, 0x00, 0xe0, bytes.length, 0, 0, 0]), new Uint8Array(bytes)]);
    const head = writeTestDicom(IDENTITY, { meta: { transferSyntaxUid: '1.2.840.10008.1.2.4.50' } });
    const pixelHeader = new Uint8Array([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    const sequenceEnd = new Uint8Array([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
    const file = concat([head, pixelHeader, fragment([]), fragment([0xff, 0xd8, 0xff, 0xd9]), fragment([1, 2, 3, 4, 5, 6]), sequenceEnd]);
    expectIdentity(await readDicomTags(file, 'jpeg.dcm'));

    // Without its sequence delimiter the pixel data was cut short.
    const cut = await readError(readDicomTags(file.subarray(0, file.length - 10), 'jpeg-cut.dcm'));
    expect(cut.reason).toBe('truncated');
  });

  it('reads a file handed over as a view into a larger buffer', async () => {
    const file = writeTestDicom(withPixels(pixels), { meta: { transferSyntaxUid: EXPLICIT_LE } });
    const backing = new Uint8Array(file.length + 1000).fill(0xaa);
    backing.set(file, 500);
    expectIdentity(await readDicomTags(backing.subarray(500, 500 + file.length), 'view.dcm'));
  });

  it('reads a file that holds only a meta header', async () => {
    const tags = await readSynthetic([], { meta: { transferSyntaxUid: EXPLICIT_LE, sopClassUid: '1.2.840.10008.5.1.4.1.1.7' } });
    expect(tags).toMatchObject({ sopClassUid: '1.2.840.10008.5.1.4.1.1.7', sopInstanceUid: null, rows: null });
  });
});

describe('readDicomTags: values', () => {
  const meta = { transferSyntaxUid: EXPLICIT_LE };

  it('trims padding as PS3.5 §6.2 allows, and keeps absent apart from empty', async () => {
    const tags = await readSynthetic(
      [
        { tag: 0x00080018, vr: 'UI', value: '1.2.3\0' },
        { tag: 0x00080050, vr: 'SH', value: '  ACC 1  ' },
        { tag: 0x00080060, vr: 'CS', value: ' MR ' },
        { tag: 0x00081030, vr: 'LO', value: ' Brain  MRI \0' },
        { tag: 0x00100010, vr: 'PN', value: 'Doe^John ' },
        { tag: 0x00100030, vr: 'DA', value: '' },
        { tag: 0x00200011, vr: 'IS', value: ' 12 ' },
        { tag: 0x00200013, vr: 'IS', value: 'x1' },
      ],
      { meta },
    );
    expect(tags).toMatchObject({
      sopInstanceUid: '1.2.3',
      accessionNumber: 'ACC 1',
      modality: 'MR',
      studyDescription: 'Brain  MRI',
      patientBirthDate: '',
      patientSex: null,
      seriesNumber: 12,
      instanceNumber: null,
    });
    expect(tags.patientName?.alphabetic).toBe('Doe^John');
    expect(tags.warnings).toEqual(['(0020,0013) is not an integer string: "x1"']);
  });

  it('takes the SOP class from the meta header when the data set lacks it, and spots a DICOMDIR', async () => {
    const tags = await readSynthetic(
      [{ tag: 0x00041220, vr: 'SQ', value: [] }],
      { meta: { transferSyntaxUid: EXPLICIT_LE, sopClassUid: '1.2.840.10008.1.3.10' } },
    );
    expect(tags).toMatchObject({ sopClassUid: '1.2.840.10008.1.3.10', isDicomDir: true });
  });

  it('reads only top-level attributes, not those inside sequences', async () => {
    const tags = await readSynthetic(
      [
        { tag: 0x00080018, vr: 'UI', value: '1.2.3' },
        {
          tag: 0x00880200, // Icon Image Sequence
          vr: 'SQ',
          value: [{ elements: [{ tag: 0x00280010, vr: 'US', value: 64 }], undefinedLength: true }],
        },
        { tag: 0x00280010, vr: 'US', value: 512 },
      ],
      { meta },
    );
    expect(tags.rows).toBe(512);
  });
});

describe('readDicomTags: character sets (PS3.3 §C.12.1.1.2, PS3.5 §6.1)', () => {
  const meta = { transferSyntaxUid: EXPLICIT_LE };

  async function readName(charset: string | null, name: Uint8Array): Promise<DicomTags> {
    const elements: TestElement[] = [{ tag: 0x00100010, vr: 'PN', value: name }];
    if (charset !== null) elements.unshift({ tag: 0x00080005, vr: 'CS', value: charset });
    return readSynthetic(elements, { meta });
  }

  it.each([
    // PS3.5 Annex H.3.1: Japanese, ISO 2022 IR 87 with escape sequences.
    [
      '\\ISO 2022 IR 87',
      '59 61 6d 61 64 61 5e 54 61 72 6f 75 3d 1b 24 42 3b 33 45 44 1b 28 42 5e 1b 24 42 42 40 4f 3a 1b 28 42 3d 1b 24 42 24 64 24 5e 24 40 1b 28 42 5e 1b 24 42 24 3f 24 6d 24 26 1b 28 42',
      ['Yamada^Tarou', '山田^太郎', 'やまだ^たろう'],
    ],
    // PS3.5 Annex H.3.2: half-width katakana (IR 13) in G1 with IR 87; ESC ( J returns to JIS X 0201 romaji.
    [
      'ISO 2022 IR 13\\ISO 2022 IR 87',
      'd4 cf c0 de 5e c0 db b3 3d 1b 24 42 3b 33 45 44 1b 28 4a 5e 1b 24 42 42 40 4f 3a 1b 28 4a 3d 1b 24 42 24 64 24 5e 24 40 1b 28 4a 5e 1b 24 42 24 3f 24 6d 24 26 1b 28 4a',
      ['ﾔﾏﾀﾞ^ﾀﾛｳ', '山田^太郎', 'やまだ^たろう'],
    ],
    // JIS X 0212 supplementary kanji (ISO 2022 IR 159, ESC $ ( D) beside IR 87.
    ['\\ISO 2022 IR 87\\ISO 2022 IR 159', '1b 24 28 44 30 21 1b 28 42 5e 1b 24 42 42 40 4f 3a 1b 28 42', ['丂^太郎', '', '']],
    // PS3.5 Annex I.2: Korean, ISO 2022 IR 149 in G1.
    [
      '\\ISO 2022 IR 149',
      '48 6f 6e 67 5e 47 69 6c 64 6f 6e 67 3d 1b 24 29 43 fb f3 5e 1b 24 29 43 d1 ce d4 d7 3d 1b 24 29 43 c8 ab 5e 1b 24 29 43 b1 e6 b5 bf',
      ['Hong^Gildong', '洪^吉洞', '홍^길동'],
    ],
    // PS3.5 Annex J.3: Chinese, GB18030 (no code extensions).
    ['GB18030', '57 61 6e 67 5e 58 69 61 6f 44 6f 6e 67 3d cd f5 5e d0 a1 b6 ab 3d', ['Wang^XiaoDong', '王^小东', '']],
    // UTF-8.
    ['ISO_IR 192', '57 61 6e 67 5e 58 69 61 6f 44 6f 6e 67 3d e7 8e 8b 5e e5 b0 8f e6 9d b1 3d', ['Wang^XiaoDong', '王^小東', '']],
    // Latin alphabet No. 1.
    ['ISO_IR 100', '42 75 63 5e 4a e9 72 f4 6d 65', ['Buc^Jérôme', '', '']],
    // Cyrillic, Greek, Hebrew, Arabic, Thai and single-byte katakana.
    ['ISO_IR 144', 'bb ee da e1 d5 dc d1 e3 e0 d3', ['Люксембург', '', '']],
    ['ISO_IR 126', 'c4 e9 ef ed f5 f3 e9 ef f2', ['Διονυσιος', '', '']],
    ['ISO_IR 138', 'f9 f8 e5 ef 5e e3 e1 e5 f8 e4', ['שרון^דבורה', '', '']],
    ['ISO_IR 127', 'e2 c8 c7 e6 ea 5e e4 e6 d2 c7 d1', ['قباني^لنزار', '', '']],
    ['ISO_IR 166', 'a1 d2 c3', ['การ', '', '']],
    ['ISO_IR 13', 'd4 cf c0 de 5e c0 db b3', ['ﾔﾏﾀﾞ^ﾀﾛｳ', '', '']],
  ])('decodes PN in %s', async (charset, hex, [alphabetic, ideographic, phonetic]) => {
    const tags = await readName(charset, hexBytes(hex));
    expect(tags.patientName).toMatchObject({ alphabetic, ideographic, phonetic });
    expect(tags.warnings).toEqual([]);
  });

  it('splits the groups after decoding: a kanji byte equal to "=" is no delimiter (PS3.5 §6.1.2.5.3)', async () => {
    // JIS X 0208 0x3D3D is 十 and 0x3D50 is 出: both bytes of the first, and one
    // of the second, equal '=' (3DH). Only the decoder, which tracks the escape
    // sequences, knows these are inside a two-byte character.
    const tags = await readName('\\ISO 2022 IR 87', hexBytes('41 5e 42 3d 1b 24 42 3d 3d 1b 28 42 5e 1b 24 42 3d 50 1b 28 42'));
    expect(tags.patientName).toMatchObject({ alphabetic: 'A^B', ideographic: '十^出', phonetic: '' });
  });

  it('maps misspelt defined terms to the standard ones', async () => {
    const tags = await readName('ISO-IR 100', hexBytes('42 75 63 5e 4a e9 72 f4 6d 65'));
    expect(tags.patientName?.alphabetic).toBe('Buc^Jérôme');
    expect(tags.warnings).toEqual([]);
  });

  it('reads non-ASCII text without (0008,0005) as UTF-8, else Latin-1, and warns', async () => {
    const utf8 = await readName(null, new TextEncoder().encode('Müller^Jörg'));
    expect(utf8.patientName?.alphabetic).toBe('Müller^Jörg');
    expect(utf8.warnings.join()).toMatch(/without a Specific Character Set/);
    const latin1 = await readName(null, hexBytes('4d fc 6c 6c 65 72'));
    expect(latin1.patientName?.alphabetic).toBe('Müller');
  });

  it('warns about an unknown term and still reads the text', async () => {
    const tags = await readName('ISO_IR 999', new TextEncoder().encode('Doe^John'));
    expect(tags.patientName?.alphabetic).toBe('Doe^John');
    expect(tags.warnings.join()).toMatch(/unknown Specific Character Set \(0008,0005\) term "ISO_IR 999"/);
  });
});

describe('readDicomTags: files it refuses', () => {
  /** A seeded generator (mulberry32), so a failure reproduces. */
  function seededBytes(seed: number, length: number): Uint8Array {
    let state = seed >>> 0;
    return Uint8Array.from({ length }, () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) & 0xff;
    });
  }

  it.each([
    ['random bytes', seededBytes(1, 4096)],
    ['an empty file', new Uint8Array(0)],
    ['a PNG signature', hexBytes('89 50 4e 47 0d 0a 1a 0a 00 00 00 0d 49 48 44 52')],
    ['a text file', new TextEncoder().encode('Patient: Doe^John\nStudy: MR brain\n'.repeat(10))],
  ])('refuses %s as not a DICOM file', async (_what, bytes) => {
    const error = await readError(readDicomTags(bytes, 'upload/thing.bin'));
    expect(error).toMatchObject({ name: 'DicomReadError', reason: 'not-dicom', fileName: 'upload/thing.bin' });
    expect(error.message).toBe('upload/thing.bin: not a DICOM file');
  });

  it('refuses random bytes of many seeds, behind a preamble or not', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const bytes = seededBytes(seed, 300);
      const error = await readError(readDicomTags(bytes, `random-${seed}`));
      expect(error.reason).toBe('not-dicom');
      // Behind a real preamble and "DICM" the bytes claim to be DICOM; they must still fail cleanly.
      const claimed = concat([new Uint8Array(128), new Uint8Array([0x44, 0x49, 0x43, 0x4d]), bytes]);
      await readError(readDicomTags(claimed, `claimed-${seed}`));
    }
  });

  it('refuses a file cut anywhere inside an element with a DicomReadError', async () => {
    const file = writeTestDicom(withPixels({ tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(256) }), {
      meta: { transferSyntaxUid: EXPLICIT_LE },
    });
    let truncated = 0;
    for (let length = 0; length < file.length; length++) {
      try {
        await readDicomTags(file.subarray(0, length), 'cut.dcm');
      } catch (error) {
        expect(error, `cut at ${length}`).toBeInstanceOf(DicomReadError);
        truncated += (error as DicomReadError).reason === 'truncated' ? 1 : 0;
      }
    }
    expect(truncated).toBeGreaterThan(file.length / 2);
  });

  it('throws nothing but DicomReadError for corrupted bytes', async () => {
    const files = (['explicit-le', 'implicit-le', 'explicit-be'] as const).map((encoding) =>
      writeTestDicom(
        [
          ...IDENTITY,
          { tag: 0x00400275, vr: 'SQ', value: [{ elements: IDENTITY.slice(0, 3), undefinedLength: true }, { elements: IDENTITY.slice(3, 6) }] },
          { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(32) },
        ],
        { meta: { transferSyntaxUid: encoding === 'implicit-le' ? IMPLICIT_LE : encoding === 'explicit-be' ? EXPLICIT_BE : EXPLICIT_LE }, encoding },
      ),
    );
    const random = seededBytes(7, files.length * 500 * 10);
    let next = 0;
    for (const file of files) {
      for (let round = 0; round < 500; round++) {
        const bytes = file.slice();
        for (let flips = 0; flips < 3; flips++) {
          const at = (((random[next++]! << 8) | random[next++]!) % (bytes.length - 132)) + 132;
          bytes[at] = random[next++]!;
        }
        next++;
        try {
          await readDicomTags(bytes, 'corrupt.dcm');
        } catch (error) {
          expect(error).toBeInstanceOf(DicomReadError);
        }
      }
    }
  });

  it('says where the file was cut', async () => {
    const file = writeTestDicom(withPixels({ tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(256) }), {
      meta: { transferSyntaxUid: EXPLICIT_LE },
    });
    const error = await readError(readDicomTags(file.subarray(0, file.length - 100), 'IM0001'));
    expect(error.message).toMatch(/^IM0001: truncated: Pixel Data \(7FE0,0010\) declares 256 bytes at offset \d+, but only 156 follow$/);
  });

  it('refuses a meta header without a transfer syntax', async () => {
    const header = concat([
      new Uint8Array(128),
      new Uint8Array([0x44, 0x49, 0x43, 0x4d]),
      hexBytes('02 00 02 00 55 49 04 00 31 2e 32 00'),
    ]);
    const error = await readError(readDicomTags(concat([header, writeTestDicom(IDENTITY)]), 'no-ts.dcm'));
    expect(error.message).toBe('no-ts.dcm: malformed: the file meta information has no Transfer Syntax UID (0002,0010)');
  });

  it('refuses an unknown private transfer syntax whose data set it cannot recognise', async () => {
    const file = writeTestDicom([{ tag: 0x00080018, vr: 'UI', value: '1.2.3' }], {
      meta: { transferSyntaxUid: '1.3.6.1.4.1.99999.1' },
    });
    // Replace the data set with bytes that are no element at all.
    const header = writeTestDicom([], { meta: { transferSyntaxUid: '1.3.6.1.4.1.99999.1' } }).length;
    const error = await readError(readDicomTags(concat([file.subarray(0, header), new Uint8Array(4)]), 'private.dcm'));
    expect(error.reason).toBe('unsupported');
    expect(error.message).toBe('private.dcm: unsupported: transfer syntax 1.3.6.1.4.1.99999.1');
  });
});
