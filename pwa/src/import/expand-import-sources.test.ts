import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportFailure, ImportSource } from '../vault/vault-api.ts';
import { expandImportSources, isImportFailure } from './expand-import-sources.ts';
import type { ImportFile } from './expand-import-sources.ts';
import { concat, field, writeTestZip } from './_write-test-zip.ts';
import type { TestZipEntry, TestZipOptions } from './_write-test-zip.ts';

const text = new TextEncoder();

function source(bytes: Uint8Array, path: string): ImportSource {
  return { file: new File([bytes as Uint8Array<ArrayBuffer>], path.split('/').pop()!), path };
}

async function expand(sources: ImportSource[]): Promise<{ files: ImportFile[]; failures: ImportFailure[] }> {
  const files: ImportFile[] = [];
  const failures: ImportFailure[] = [];
  for await (const item of expandImportSources(sources)) {
    if (isImportFailure(item)) failures.push(item);
    else files.push(item);
  }
  return { files, failures };
}

/** Expands and reads everything, as the vault worker does: a rejected read() becomes a failure. */
async function readAll(sources: ImportSource[]): Promise<{ contents: Map<string, string>; failures: ImportFailure[] }> {
  const { files, failures } = await expand(sources);
  const contents = new Map<string, string>();
  for (const file of files) {
    try {
      const bytes = await file.read();
      expect(bytes.length).toBe(file.size);
      contents.set(file.name, new TextDecoder().decode(bytes));
    } catch (error) {
      failures.push({ name: file.name, reason: (error as Error).message });
    }
  }
  return { contents, failures };
}

async function zipSource(entries: TestZipEntry[], path = 'cd.zip', options?: TestZipOptions): Promise<ImportSource> {
  return source(await writeTestZip(entries, options), path);
}

const BIG = 'DICOM '.repeat(5000);

describe('expandImportSources: ZIP archives', () => {
  it('reads stored and deflated entries under the archive name', async () => {
    const zip = await zipSource([
      { name: 'DICOMDIR', data: 'dir', method: 'store' },
      { name: 'DICOM/ST1/IM1', data: BIG, method: 'deflate' },
      { name: 'DICOM/ST1/IM2', data: '', method: 'deflate' },
    ]);
    const { contents, failures } = await readAll([zip]);
    expect(failures).toEqual([]);
    expect([...contents.keys()]).toEqual(['cd.zip/DICOMDIR', 'cd.zip/DICOM/ST1/IM1', 'cd.zip/DICOM/ST1/IM2']);
    expect(contents.get('cd.zip/DICOM/ST1/IM1')).toBe(BIG);
    expect(contents.get('cd.zip/DICOM/ST1/IM2')).toBe('');
  });

  it('keeps the folder path of an archive picked inside a folder, and names path and name alike', async () => {
    const { files } = await expand([await zipSource([{ name: 'IM1', data: 'x' }], 'Patient/cd.zip')]);
    expect(files.map((f) => [f.name, f.path])).toEqual([['Patient/cd.zip/IM1', 'Patient/cd.zip/IM1']]);
  });

  it('recognises an archive by its signature, whatever its name', async () => {
    const { contents } = await readAll([await zipSource([{ name: 'IM1', data: 'inside' }], 'EXPORT_2024')]);
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
    const { contents, failures } = await readAll([zip]);
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
      const { contents, failures } = await readAll([zip]);
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
    const { contents } = await readAll([zip]);
    expect([...contents.keys()]).toEqual(['cd.zip/検査/山田太郎.dcm', 'cd.zip/über/ö', 'cd.zip/Müller/IM1']);
  });

  it("prefers Info-ZIP's Unicode Path field when it matches the stored name", async () => {
    const raw = Uint8Array.from([0x3f, 0x2e, 0x64, 0x63, 0x6d]); // "?.dcm", what a legacy writer put
    const { crc32 } = await import('node:zlib');
    const unicode = field(0x7075, Uint8Array.of(1), new Uint8Array(new Uint32Array([crc32(raw)]).buffer), text.encode('é.dcm'));
    const { files } = await expand([await zipSource([{ name: raw, data: 'x', centralExtra: unicode }])]);
    expect(files.map((f) => f.name)).toEqual(['cd.zip/é.dcm']);
  });

  it('reports an entry with a bad CRC by name, and the other entries still come out', async () => {
    const zip = await zipSource([
      { name: 'IM1', data: 'first', method: 'store' },
      { name: 'IM2', data: BIG, method: 'deflate', crc32: 0x12345678 },
      { name: 'IM3', data: 'third', method: 'store', crc32: 0xdeadbeef },
      { name: 'IM4', data: 'fourth', method: 'deflate' },
    ]);
    const { contents, failures } = await readAll([zip]);
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
    const { contents, failures } = await readAll([source(bytes, 'bad.zip')]);
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
    const { contents, failures } = await readAll([zip]);
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
    const { contents, failures } = await readAll([zip]);
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
    const { contents, failures } = await readAll([zip]);
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
    const { contents, failures } = await readAll([source(cut, 'part.zip')]);
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
    const { contents, failures } = await readAll([source(broken, 'x.zip')]);
    expect([...contents.keys()]).toEqual(['x.zip/IM1']);
    expect(failures).toEqual([{ name: 'x.zip/IM2', reason: expect.stringMatching(/damaged.*header/) }]);
  });

  it('fails a file named .zip that is not one, and an archive with no files', async () => {
    const empty = await writeTestZip([{ name: 'only-a-folder/' }]);
    const { files, failures } = await expand([
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
    const { contents, failures } = await readAll([zip]);
    expect(failures).toEqual([]);
    expect(contents.get('sfx.exe.zip/IM1')).toBe(BIG);
  });

  it('refuses an archive split into parts', async () => {
    const bytes = await writeTestZip([{ name: 'IM1', data: 'x' }]);
    const eocd = bytes.length - 22;
    bytes[eocd + 4] = 2; // number of this disk
    const { failures } = await expand([source(bytes, 'split.zip')]);
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
    const { contents, failures } = await readAll([outer]);
    expect(Object.fromEntries(contents)).toEqual({
      'outer.zip/studies/s1.zip/IM1': 'inner one',
      'outer.zip/studies/S2/IM2': 'unnamed inner',
      'outer.zip/README.txt': 'hello',
    });
    expect(failures).toEqual([{ name: 'outer.zip/studies/s1.zip/third.zip', reason: expect.stringMatching(/ZIP inside a ZIP inside a ZIP/) }]);
  });
});

describe('expandImportSources: plain files', () => {
  it('passes files through in order, reading only on demand, and skips clutter', async () => {
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
    // What a browser does when the picked file has since been deleted.
    class VanishedFile extends File {
      override arrayBuffer(): Promise<ArrayBuffer> {
        return Promise.reject(Object.assign(new Error('gone'), { name: 'NotReadableError' }));
      }
    }
    const broken = new VanishedFile(['abcd'], 'IM1');
    const { files } = await expand([{ file: broken, path: 'IM1' }]);
    await expect(files[0]!.read()).rejects.toThrow(/moved, changed or removed/);
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

  async function expectSameAsFolder(zipPath: string, prefix: string): Promise<void> {
    const { files, failures } = await expand([source(readFileSync(zipPath), 'cd.zip')]);
    expect(failures).toEqual([]);
    const expected = folderFiles(CD);
    expect(files.map((f) => f.path).sort()).toEqual([...expected.keys()].map((p) => `cd.zip/${prefix}${p}`).sort());
    for (const file of files) {
      const bytes = await file.read();
      expect(Buffer.from(bytes).equals(expected.get(file.path.slice(`cd.zip/${prefix}`.length))!), file.path).toBe(true);
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
    const { files, failures } = await expand([source(readFileSync(out), 'locked.zip')]);
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
