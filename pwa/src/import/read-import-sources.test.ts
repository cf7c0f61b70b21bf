import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, openAsBlob, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportFailure, ImportSource } from '../vault/vault-api.ts';
import { isImportFailure, readImportSources } from './read-import-sources.ts';
import type { ImportFileBytes, ReadLimits } from './read-import-sources.ts';
import { field, writeTestZip } from './_write-test-zip.ts';
import type { TestZipEntry, TestZipOptions } from './_write-test-zip.ts';

const text = new TextEncoder();

function source(bytes: Uint8Array, path: string): ImportSource {
  return { file: new File([bytes as Uint8Array<ArrayBuffer>], path.split('/').pop()!), path };
}

/** Reads everything, as the vault worker does. */
async function readAll(
  sources: ImportSource[],
  limits?: Partial<ReadLimits>,
): Promise<{ files: ImportFileBytes[]; contents: Map<string, string>; failures: ImportFailure[] }> {
  const files: ImportFileBytes[] = [];
  const failures: ImportFailure[] = [];
  for await (const item of readImportSources(sources, limits)) {
    if (isImportFailure(item)) {
      failures.push(item);
    } else {
      expect(item.bytes.length).toBe(item.size);
      files.push(item);
    }
  }
  const contents = new Map(files.map((file) => [file.name, new TextDecoder().decode(file.bytes)]));
  return { files, contents, failures };
}

const pickedDir = mkdtempSync(join(tmpdir(), 'kura-picked-'));
afterAll(() => rmSync(pickedDir, { recursive: true, force: true }));

/** Files whose bytes stay on disk until read, as a browser's picked files do: deleting one makes its reads fail. */
async function diskFiles(...files: [name: string, data: string][]): Promise<{ source: ImportSource; disk: string }[]> {
  return Promise.all(
    files.map(async ([name, data]) => {
      const disk = join(pickedDir, name);
      writeFileSync(disk, data);
      return { source: { file: new File([await openAsBlob(disk)], name), path: name }, disk };
    }),
  );
}

async function zipSource(entries: TestZipEntry[], path = 'cd.zip', options?: TestZipOptions): Promise<ImportSource> {
  return source(await writeTestZip(entries, options), path);
}

const BIG = 'DICOM '.repeat(5000);

// Every archive test runs twice: a small ZIP is read with its group of picked
// files and opened from those bytes; a large one is opened in place and read
// a run of entries at a time (here one entry per read, the narrowest run).
describe.each([
  ['read with its group', {}],
  ['opened in place', { groupFileBytes: 0, groupBytes: 1 }],
] satisfies [string, Partial<ReadLimits>][])('readImportSources: ZIP archives, %s', (_, limits) => {
  const read = (sources: ImportSource[]) => readAll(sources, limits);

  it('reads stored and deflated entries under the archive name', async () => {
    const zip = await zipSource([
      { name: 'DICOMDIR', data: 'dir', method: 'store' },
      { name: 'DICOM/ST1/IM1', data: BIG, method: 'deflate' },
      { name: 'DICOM/ST1/IM2', data: '', method: 'deflate' },
    ]);
    const { contents, failures } = await read([zip]);
    expect(failures).toEqual([]);
    expect([...contents.keys()]).toEqual(['cd.zip/DICOMDIR', 'cd.zip/DICOM/ST1/IM1', 'cd.zip/DICOM/ST1/IM2']);
    expect(contents.get('cd.zip/DICOM/ST1/IM1')).toBe(BIG);
    expect(contents.get('cd.zip/DICOM/ST1/IM2')).toBe('');
  });

  it('keeps the folder path of an archive picked inside a folder, and names path and name alike', async () => {
    const { files } = await read([await zipSource([{ name: 'IM1', data: 'x' }], 'Patient/cd.zip')]);
    expect(files.map((f) => [f.name, f.path])).toEqual([['Patient/cd.zip/IM1', 'Patient/cd.zip/IM1']]);
  });

  it('recognises an archive by its signature, whatever its name', async () => {
    const { contents } = await read([await zipSource([{ name: 'IM1', data: 'inside' }], 'EXPORT_2024')]);
    expect(contents.get('EXPORT_2024/IM1')).toBe('inside');
  });

  it('reads ZIP64 archives (sizes and offsets in extra fields, ZIP64 end records)', async () => {
    const zip = await zipSource(
      [
        { name: 'a/IM1', data: BIG, method: 'deflate' },
        { name: 'a/IM2', data: 'stored', method: 'store' },
      ],
      'z.zip',
      { zip64: true },
    );
    const { contents, failures } = await read([zip]);
    expect(failures).toEqual([]);
    expect(contents.get('z.zip/a/IM1')).toBe(BIG);
    expect(contents.get('z.zip/a/IM2')).toBe('stored');
  });

  it('reads entries written with a data descriptor, plain and ZIP64', async () => {
    for (const zip64 of [false, true]) {
      const zip = await zipSource(
        [
          { name: 'IM1', data: BIG, method: 'deflate', dataDescriptor: true },
          { name: 'IM2', data: 'after', method: 'store', dataDescriptor: true },
        ],
        'dd.zip',
        { zip64 },
      );
      const { contents, failures } = await read([zip]);
      expect(failures).toEqual([]);
      expect(contents.get('dd.zip/IM1')).toBe(BIG);
      expect(contents.get('dd.zip/IM2')).toBe('after');
    }
  });

  it('decodes UTF-8 names (flag bit 11), CP437 names, and UTF-8 names written without the flag', async () => {
    const zip = await zipSource([
      { name: '検査/山田太郎.dcm', data: '1', utf8: true },
      { name: Uint8Array.from([0x81, 0x62, 0x65, 0x72, 0x2f, 0x94]), data: '2' }, // "über/ö" in CP437
      { name: text.encode('Müller/IM1'), data: '3', utf8: false },
    ]);
    const { contents } = await read([zip]);
    expect([...contents.keys()]).toEqual(['cd.zip/検査/山田太郎.dcm', 'cd.zip/über/ö', 'cd.zip/Müller/IM1']);
  });

  it("prefers Info-ZIP's Unicode Path field when it matches the stored name", async () => {
    const raw = Uint8Array.from([0x3f, 0x2e, 0x64, 0x63, 0x6d]); // "?.dcm", what a legacy writer put
    const { crc32 } = await import('node:zlib');
    const unicode = field(0x7075, Uint8Array.of(1), new Uint8Array(new Uint32Array([crc32(raw)]).buffer), text.encode('é.dcm'));
    const { files } = await read([await zipSource([{ name: raw, data: 'x', centralExtra: unicode }])]);
    expect(files.map((f) => f.name)).toEqual(['cd.zip/é.dcm']);
  });

  it('reports an entry with a bad CRC by name, and the other entries still come out', async () => {
    const zip = await zipSource([
      { name: 'IM1', data: 'first', method: 'store' },
      { name: 'IM2', data: BIG, method: 'deflate', crc32: 0x12345678 },
      { name: 'IM3', data: 'third', method: 'store', crc32: 0xdeadbeef },
      { name: 'IM4', data: 'fourth', method: 'deflate' },
    ]);
    const { contents, failures } = await read([zip]);
    expect([...contents.keys()]).toEqual(['cd.zip/IM1', 'cd.zip/IM4']);
    expect(failures.map((f) => f.name)).toEqual(['cd.zip/IM2', 'cd.zip/IM3']);
    for (const failure of failures) expect(failure.reason).toMatch(/damaged.*checksum/);
  });

  it('reports corrupt compressed data and a size that does not match', async () => {
    const bytes = await writeTestZip([
      { name: 'IM1', data: BIG, method: 'deflate' },
      { name: 'IM2', data: 'fine' },
    ]);
    // The first deflate block header: a reserved block type (0b11) is invalid.
    bytes[30 + 3] = 0x07;
    const { contents, failures } = await read([source(bytes, 'bad.zip')]);
    expect([...contents.keys()]).toEqual(['bad.zip/IM2']);
    expect(failures).toEqual([{ name: 'bad.zip/IM1', reason: expect.stringMatching(/damaged/) }]);
  });

  it('refuses encrypted entries and unsupported methods by name, reading the rest', async () => {
    const zip = await zipSource([
      { name: 'secret/IM1', data: 'x', encrypted: true },
      { name: 'IM2', data: 'y', methodCode: 12 },
      { name: 'IM3', data: 'z', methodCode: 77 },
      { name: 'IM4', data: 'ok', method: 'deflate' },
    ]);
    const { contents, failures } = await read([zip]);
    expect([...contents.keys()]).toEqual(['cd.zip/IM4']);
    expect(failures.map((f) => f.name)).toEqual(['cd.zip/secret/IM1', 'cd.zip/IM2', 'cd.zip/IM3']);
    expect(failures[0]!.reason).toMatch(/password/);
    expect(failures[1]!.reason).toMatch(/bzip2 \(method 12\)/);
    expect(failures[2]!.reason).toMatch(/unknown method \(77\)/);
  });

  it("refuses paths with '..' (zip slip) and normalises the rest", async () => {
    const zip = await zipSource([
      { name: '../../etc/passwd', data: 'x' },
      { name: 'a/../../b', data: 'x' },
      { name: '/abs/./IM1', data: 'one' },
      { name: 'C:\\Export\\IM2', data: 'two' },
      { name: 'a//b/IM3', data: 'three' },
    ]);
    const { contents, failures } = await read([zip]);
    expect([...contents.keys()]).toEqual(['cd.zip/abs/IM1', 'cd.zip/Export/IM2', 'cd.zip/a/b/IM3']);
    expect(failures).toHaveLength(2);
    for (const failure of failures) expect(failure.reason).toMatch(/outside the archive/);
  });

  it('skips folders and operating-system clutter silently', async () => {
    const zip = await zipSource([
      { name: 'DICOM/' },
      { name: '__MACOSX/DICOM/._IM1', data: 'fork' },
      { name: 'DICOM/.DS_Store', data: 'x' },
      { name: 'DICOM/Thumbs.db', data: 'x' },
      { name: 'DICOM/._IM1', data: 'x' },
      { name: 'DICOM/IM1', data: 'image' },
    ]);
    const { contents, failures } = await read([zip]);
    expect(failures).toEqual([]);
    expect([...contents.keys()]).toEqual(['cd.zip/DICOM/IM1']);
  });

  it('reads what survives of an archive cut short, and says it was cut', async () => {
    const whole = await writeTestZip([
      { name: 'IM1', data: 'one', method: 'store' },
      { name: 'IM2', data: BIG, method: 'deflate' },
      { name: 'IM3', data: BIG, method: 'store' },
    ]);
    // Cut inside IM3's data: the directory and IM3 are gone.
    const cut = whole.slice(0, whole.length - 2000);
    const { contents, failures } = await read([source(cut, 'part.zip')]);
    expect(contents.get('part.zip/IM1')).toBe('one');
    expect(contents.get('part.zip/IM2')).toBe(BIG);
    expect(contents.has('part.zip/IM3')).toBe(false);
    expect(failures).toEqual([{ name: 'part.zip', reason: expect.stringMatching(/incomplete \(cut short\).*2 file/) }]);
  });

  it('fails an entry whose data lies past the end, when only the end survived', async () => {
    const whole = await writeTestZip([
      { name: 'IM1', data: 'one' },
      { name: 'IM2', data: 'two' },
    ]);
    // The directory says IM2 is at its offset, but the local header is garbage.
    const broken = whole.slice();
    broken.set([0, 0, 0, 0], 30 + 3 + 3);
    const { contents, failures } = await read([source(broken, 'x.zip')]);
    expect([...contents.keys()]).toEqual(['x.zip/IM1']);
    expect(failures).toEqual([{ name: 'x.zip/IM2', reason: expect.stringMatching(/damaged.*header/) }]);
  });

  it('fails a file named .zip that is not one, and an archive with no files', async () => {
    const empty = await writeTestZip([{ name: 'only-a-folder/' }]);
    const { files, failures } = await read([
      source(text.encode('just text, no archive'), 'notes.zip'),
      source(empty, 'empty.zip'),
      source(new Uint8Array(0), 'zero.zip'),
    ]);
    expect(files).toEqual([]);
    expect(failures).toEqual([
      { name: 'notes.zip', reason: expect.stringMatching(/not a ZIP archive/) },
      { name: 'empty.zip', reason: 'the archive holds no files' },
      { name: 'zero.zip', reason: expect.stringMatching(/not a ZIP archive/) },
    ]);
  });

  it('reads an archive with data prepended (a self-extractor) and a comment that holds a fake end record', async () => {
    const prefix = text.encode('MZ stub '.repeat(100));
    const comment = 'PK\x05\x06 is how the end record starts';
    const zip = await zipSource([{ name: 'IM1', data: BIG, method: 'deflate' }], 'sfx.exe.zip', { prefix, comment });
    const { contents, failures } = await read([zip]);
    expect(failures).toEqual([]);
    expect(contents.get('sfx.exe.zip/IM1')).toBe(BIG);
  });

  it('refuses an archive split into parts', async () => {
    const bytes = await writeTestZip([{ name: 'IM1', data: 'x' }]);
    const eocd = bytes.length - 22;
    bytes[eocd + 4] = 2; // number of this disk
    const { failures } = await read([source(bytes, 'split.zip')]);
    expect(failures).toEqual([{ name: 'split.zip', reason: expect.stringMatching(/split into several parts/) }]);
  });

  it('opens a ZIP inside a ZIP, by name or by signature, but not a third level', async () => {
    const innermost = await writeTestZip([{ name: 'deep', data: 'x' }]);
    const inner = await writeTestZip([
      { name: 'IM1', data: 'inner one', method: 'deflate' },
      { name: 'third.zip', data: innermost },
    ]);
    const unnamed = await writeTestZip([{ name: 'IM2', data: 'unnamed inner' }]);
    const outer = await zipSource([
      { name: 'studies/s1.zip', data: inner, method: 'deflate' },
      { name: 'studies/S2', data: unnamed, method: 'deflate' },
      { name: 'README.txt', data: 'hello', method: 'deflate' },
    ], 'outer.zip');
    const { contents, failures } = await read([outer]);
    expect(Object.fromEntries(contents)).toEqual({
      'outer.zip/studies/s1.zip/IM1': 'inner one',
      'outer.zip/studies/S2/IM2': 'unnamed inner',
      'outer.zip/README.txt': 'hello',
    });
    expect(failures).toEqual([{ name: 'outer.zip/studies/s1.zip/third.zip', reason: expect.stringMatching(/ZIP inside a ZIP inside a ZIP/) }]);
  });
});

describe('readImportSources: plain files', () => {
  it('passes files through in order and skips clutter', async () => {
    const sources = [
      source(text.encode('a'), 'CD/DICOM/IM1'),
      source(text.encode('x'), 'CD/.DS_Store'),
      source(text.encode('b'), 'CD\\DICOM\\IM2'),
      source(text.encode('x'), '__MACOSX/CD/._IM1'),
    ];
    const { contents, failures } = await readAll(sources);
    expect(failures).toEqual([]);
    expect(Object.fromEntries(contents)).toEqual({ 'CD/DICOM/IM1': 'a', 'CD/DICOM/IM2': 'b' });
  });

  it('turns a file that cannot be read into a reason for people', async () => {
    // What a browser does when a picked file has since been deleted: Node's
    // disk-backed Blob fails alike (NotReadableError).
    const [small, large] = await diskFiles(['IM1', 'a'], ['IM2', 'b'.repeat(100)]);
    unlinkSync(small!.disk);
    unlinkSync(large!.disk);
    const { failures } = await readAll([small!.source, large!.source], { groupFileBytes: 10 });
    expect(failures).toEqual([
      { name: 'IM1', reason: MOVED },
      { name: 'IM2', reason: MOVED },
    ]);
  });
});

// ---------------------------------------------------------------------------
// How the picked files are read

/** The reads of picked files, in the order started: a group's names joined by '+', one file's name, or its name and range. */
let reads: { what: string; bytes: number }[] = [];

afterEach(() => {
  vi.unstubAllGlobals();
  reads = [];
});

/** Logs each read of the whole file and of a slice of it. */
class LoggedFile extends File {
  override arrayBuffer(): Promise<ArrayBuffer> {
    reads.push({ what: this.name, bytes: this.size });
    return super.arrayBuffer();
  }

  override slice(start = 0, end = this.size, contentType?: string): Blob {
    const part = super.slice(start, end, contentType);
    const read = part.arrayBuffer.bind(part);
    part.arrayBuffer = () => {
      reads.push({ what: `${this.name}[${start},${end})`, bytes: part.size });
      return read();
    };
    return part;
  }
}

/** Logs each read of a Blob made of picked files (a group). */
function logGroupReads(): void {
  vi.stubGlobal(
    'Blob',
    class extends Blob {
      private readonly names: string[];
      constructor(parts: BlobPart[] = [], options?: BlobPropertyBag) {
        super(parts, options);
        this.names = parts.flatMap((part) => (part instanceof File ? [part.name] : []));
      }
      override arrayBuffer(): Promise<ArrayBuffer> {
        if (this.names.length > 0) reads.push({ what: this.names.join('+'), bytes: this.size });
        return super.arrayBuffer();
      }
    },
  );
}

/** A picked file holding its name, padded with dots to `size`. */
function picked(name: string, size: number): ImportSource {
  return { file: new LoggedFile([name.padEnd(size, '.')], name), path: name };
}

/** Lets any read the reader started finish, so a test sees all it would do before the consumer asks again. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

const MOVED = 'it could not be read: it was moved, changed or removed after it was picked';

describe('readImportSources: reads', () => {
  it('reads consecutive small files with one read per group, and a large one alone after a look at its head', async () => {
    logGroupReads();
    const names = ['a', 'b', 'c', 'd', 'e', 'L', 'f', 'g', 'h'];
    const sizes = [5, 5, 5, 5, 5, 40, 8, 8, 8];
    const sources = names.map((name, i) => picked(name, sizes[i]!));
    const { files, failures } = await readAll(sources, { groupFileBytes: 10, groupBytes: 20, groupFiles: 3, aheadGroups: 0 });
    expect(failures).toEqual([]);
    expect(files.map((f) => [f.name, new TextDecoder().decode(f.bytes)])).toEqual(names.map((name, i) => [name, name.padEnd(sizes[i]!, '.')]));
    // Three files fill a group, d+e end where the large file starts, f+g+h would pass 20 bytes.
    expect(reads.map((r) => r.what)).toEqual(['a+b+c', 'd+e', 'L[0,4)', 'L', 'f+g', 'h']);
  });

  it('keeps the order picked across groups, large files and archives while reading ahead', async () => {
    const zip = (name: string) => writeTestZip([{ name: `${name}-1`, data: name }, { name: `${name}-2`, data: name.repeat(40), method: 'deflate' }]);
    const sources: ImportSource[] = [];
    const expected: [string, string][] = [];
    for (let i = 0; i < 60; i++) {
      const name = `f${i}`;
      if (i % 13 === 5) {
        sources.push(source(await zip(name), name));
        expected.push([`${name}/${name}-1`, name], [`${name}/${name}-2`, name.repeat(40)]);
      } else {
        const data = name.repeat((i * 7) % 23);
        sources.push(source(text.encode(data), name));
        expected.push([name, data]);
      }
    }
    const { contents, failures } = await readAll(sources, { groupFileBytes: 30, groupBytes: 64, groupFiles: 5 });
    expect(failures).toEqual([]);
    expect([...contents]).toEqual(expected);
  });

  it('opens a ZIP found in a group from the bytes read, reading nothing more', async () => {
    logGroupReads();
    const zip = await writeTestZip([
      { name: 'IM1', data: 'inside', method: 'deflate' },
      { name: 'IM2', data: 'stored' },
    ]);
    const sources = [picked('a', 5), { file: new LoggedFile([zip], 'EXPORT'), path: 'EXPORT' }, picked('b', 5)];
    const { contents, failures } = await readAll(sources);
    expect(failures).toEqual([]);
    expect([...contents]).toEqual([['a', 'a....'], ['EXPORT/IM1', 'inside'], ['EXPORT/IM2', 'stored'], ['b', 'b....']]);
    expect(reads.map((r) => r.what)).toEqual(['a+EXPORT+b']);
  });

  it('opens a large ZIP in place: its head, its directory, then runs of entries, never the whole', async () => {
    const data = (i: number) => `image ${i} `.repeat(800);
    const zip = await writeTestZip(
      Array.from({ length: 40 }, (_, i) => ({ name: `DICOM/IM${i}`, data: data(i), method: i % 4 === 0 ? ('deflate' as const) : ('store' as const) })),
    );
    expect(zip.length).toBeGreaterThan(200_000);
    const runBytes = 32 * 1024;
    const items = readImportSources([{ file: new LoggedFile([zip], 'CD_EXPORT'), path: 'CD_EXPORT' }], {
      groupFileBytes: 1024,
      groupBytes: runBytes,
      aheadGroups: 1,
    });
    const first = await items.next();
    expect(first.value).toMatchObject({ name: 'CD_EXPORT/DICOM/IM0', size: data(0).length });
    await settle();
    // Its first 4 bytes, the end record (searched for in the last 64 KiB),
    // the directory, and two runs: the consumer's and one ahead.
    expect(reads[0]!.what).toBe('CD_EXPORT[0,4)');
    expect(reads[1]!.what).toMatch(new RegExp(`^CD_EXPORT\\[\\d+,${zip.length}\\)$`));
    expect(reads.slice(3)).toHaveLength(2);

    const contents = new Map<string, string>();
    for await (const item of items) {
      if (isImportFailure(item)) throw new Error(item.reason);
      contents.set(item.name, new TextDecoder().decode(item.bytes));
    }
    expect(contents.size).toBe(39);
    for (const [name, value] of contents) expect(value).toBe(data(Number(name.slice('CD_EXPORT/DICOM/IM'.length))));
    const runs = reads.slice(3);
    expect(runs.length).toBeLessThan(40 / 2);
    for (const run of runs) expect(run.bytes).toBeLessThanOrEqual(runBytes);
    expect(reads.reduce((sum, r) => sum + r.bytes, 0)).toBeLessThan(zip.length + 70_000);
  });

  it("reports a file that fails its group's read alone, and reads its neighbours", async () => {
    const files = await diskFiles(['IM1', 'one'], ['IM2', 'two'], ['IM3', 'three'], ['IM4', 'four']);
    unlinkSync(files[1]!.disk);
    const order: string[] = [];
    const contents = new Map<string, string>();
    for await (const item of readImportSources(files.map((f) => f.source))) {
      order.push(item.name);
      if (isImportFailure(item)) expect(item.reason).toBe(MOVED);
      else contents.set(item.name, new TextDecoder().decode(item.bytes));
    }
    expect(order).toEqual(['IM1', 'IM2', 'IM3', 'IM4']);
    expect(Object.fromEntries(contents)).toEqual({ IM1: 'one', IM3: 'three', IM4: 'four' });
  });

  it('reads no further ahead than the limits while the consumer does not ask', async () => {
    logGroupReads();
    const sources = Array.from({ length: 20 }, (_, i) => picked(`f${i}`, 100));
    const limits = { groupFileBytes: 100, groupBytes: 400, aheadGroups: 2, aheadBytes: 1e6 };

    const items = readImportSources(sources, limits);
    await items.next();
    await settle();
    expect(reads.map((r) => r.what)).toEqual(['f0+f1+f2+f3', 'f4+f5+f6+f7', 'f8+f9+f10+f11']);
    for (let i = 0; i < 4; i++) await items.next(); // the rest of the first group, then the second's first
    await settle();
    expect(reads).toHaveLength(4);
    await items.return(undefined);

    reads = [];
    const byBytes = readImportSources(sources, { ...limits, aheadBytes: 500 });
    await byBytes.next();
    await settle();
    expect(reads).toHaveLength(2); // one group of 400 bytes ahead; two would be 800
    await byBytes.return(undefined);

    reads = [];
    const withLarge = readImportSources([picked('a', 10), picked('L', 5000)], { groupFileBytes: 100, aheadBytes: 1000 });
    await withLarge.next();
    await settle();
    expect(reads.map((r) => r.what)).toEqual(['a']);
    expect((await withLarge.next()).value).toMatchObject({ name: 'L', size: 5000 });
    expect(reads.map((r) => r.what)).toEqual(['a', 'L[0,4)', 'L']);
  });
});

const CD = '/work/shared/dicom-corpus-cd';

describe.skipIf(!existsSync(CD))('archives written by other tools', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kura-import-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  function folderFiles(root: string): Map<string, Buffer> {
    const files = new Map<string, Buffer>();
    const visit = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) visit(full);
        else files.set(relative(root, full).split('\\').join('/'), readFileSync(full));
      }
    };
    visit(root);
    return files;
  }

  /** Read both ways: with its group, and opened in place a few entries per read. */
  async function expectSameAsFolder(zipPath: string, prefix: string): Promise<void> {
    const expected = folderFiles(CD);
    for (const limits of [{}, { groupFileBytes: 0, groupBytes: 64 * 1024 }]) {
      const { files, failures } = await readAll([source(readFileSync(zipPath), 'cd.zip')], limits);
      expect(failures).toEqual([]);
      expect(files.map((f) => f.path).sort()).toEqual([...expected.keys()].map((p) => `cd.zip/${prefix}${p}`).sort());
      for (const file of files) {
        expect(Buffer.from(file.bytes).equals(expected.get(file.path.slice(`cd.zip/${prefix}`.length))!), file.path).toBe(true);
      }
    }
  }

  const hasZip = (() => {
    try {
      execFileSync('zip', ['-v'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasZip)('reads Info-ZIP zip -r byte-identical to the folder', async () => {
    const out = join(scratch, 'cd.zip');
    execFileSync('zip', ['-q', '-r', out, '.'], { cwd: CD });
    await expectSameAsFolder(out, '');
  });

  it.skipIf(!hasZip)('reads zip writing to a pipe (data descriptors) byte-identical to the folder', async () => {
    const out = join(scratch, 'piped.zip');
    execFileSync('sh', ['-c', `zip -q -r - dicom-corpus-cd | cat > '${out}'`], { cwd: join(CD, '..') });
    const bytes = readFileSync(out);
    const flags = [...bytes.toString('latin1').matchAll(/PK\x03\x04/g)].map((m) => bytes.readUInt16LE(m.index + 6));
    expect(flags.filter((f) => f & 8).length).toBeGreaterThan(5);
    await expectSameAsFolder(out, 'dicom-corpus-cd/');
  });

  it.skipIf(!hasZip)("refuses zip -P's encrypted entries by name", async () => {
    const out = join(scratch, 'locked.zip');
    execFileSync('zip', ['-q', '-r', '-P', 'secret', out, 'DICOMDIR'], { cwd: CD });
    const { files, failures } = await readAll([source(readFileSync(out), 'locked.zip')]);
    expect(files).toEqual([]);
    expect(failures).toEqual([{ name: 'locked.zip/DICOMDIR', reason: expect.stringMatching(/password-protected/) }]);
  });

  it("reads Python zipfile's forced ZIP64 archive byte-identical to the folder", async () => {
    const out = join(scratch, 'py64.zip');
    const script = [
      'import os, sys, zipfile',
      'root, out = sys.argv[1], sys.argv[2]',
      'with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:',
      '  for d, _, names in os.walk(root):',
      '    for n in names:',
      '      p = os.path.join(d, n)',
      '      with open(p, "rb") as f, z.open(os.path.relpath(p, root), "w", force_zip64=True) as w: w.write(f.read())',
    ].join('\n');
    try {
      execFileSync('python3', ['-c', script, CD, out]);
    } catch {
      return; // no python3: the hand-built ZIP64 archives above still run
    }
    await expectSameAsFolder(out, '');
  });
});
