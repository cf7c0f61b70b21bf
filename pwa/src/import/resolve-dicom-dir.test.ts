import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDicomDir } from '../dicom/index.ts';
import { isImportFailure, readImportSources } from './read-import-sources.ts';
import { resolveDicomDir } from './resolve-dicom-dir.ts';

describe('resolveDicomDir', () => {
  it('resolves File IDs relative to the DICOMDIR folder', () => {
    const { found, missing } = resolveDicomDir(
      'Patient CD/DICOMDIR',
      ['DICOM\\ST1\\IM1', 'DICOM/ST1/IM2'],
      ['Patient CD/DICOMDIR', 'Patient CD/DICOM/ST1/IM1', 'Patient CD/DICOM/ST1/IM2', 'DICOM/ST1/IM3'],
    );
    expect(Object.fromEntries(found)).toEqual({
      'DICOM/ST1/IM1': 'Patient CD/DICOM/ST1/IM1',
      'DICOM/ST1/IM2': 'Patient CD/DICOM/ST1/IM2',
    });
    expect(missing).toEqual([]);
  });

  it('does not match files outside the DICOMDIR folder, and lists what is missing in order', () => {
    const { found, missing } = resolveDicomDir(
      'CD/DICOMDIR',
      ['DICOM/IM1', 'DICOM/IM2', 'DICOM/IM3', 'DICOM/IM2'],
      ['Other/DICOM/IM1', 'DICOM/IM2', 'CD/DICOM/IM3', 'CD/DICOMIM1'],
    );
    expect([...found.keys()]).toEqual(['DICOM/IM3']);
    expect(missing).toEqual(['DICOM/IM1', 'DICOM/IM2']);
  });

  it("tolerates lower case, a trailing '.' and the ISO 9660 ';1' suffix, in folders too", () => {
    const available = ['cd/dicomdir;1', 'cd/dicom/st1./im000001.;1', 'cd/dicom/st1./im000002;1', 'cd/Dicom/St1/Im000003.'];
    const { found, missing } = resolveDicomDir(available[0]!, ['DICOM/ST1/IM000001', 'DICOM/ST1/IM000002', 'DICOM/ST1/IM000003'], available);
    expect(Object.fromEntries(found)).toEqual({
      'DICOM/ST1/IM000001': 'cd/dicom/st1./im000001.;1',
      'DICOM/ST1/IM000002': 'cd/dicom/st1./im000002;1',
      'DICOM/ST1/IM000003': 'cd/Dicom/St1/Im000003.',
    });
    expect(missing).toEqual([]);
  });

  it('prefers an exact match over a loose one', () => {
    const { found } = resolveDicomDir('DICOMDIR', ['IM1', 'im1'], ['im1', 'IM1']);
    expect(Object.fromEntries(found)).toEqual({ IM1: 'IM1', im1: 'im1' });
  });

  it('does not match a folder by a file of the same name', () => {
    const { missing } = resolveDicomDir('DICOMDIR', ['DICOM/IM1'], ['DICOM', 'DICOM/IM1/x']);
    expect(missing).toEqual(['DICOM/IM1']);
  });

  const CD = '/work/shared/dicom-corpus-cd';
  describe.skipIf(!existsSync(CD))('the corpus CD', () => {
    const entries = readDicomDir(new Uint8Array(readFileSync(join(CD, 'DICOMDIR'))));
    const images = readdirSync(join(CD, 'DICOM/ST1')).map((name) => `Kura CD/DICOM/ST1/${name}`);

    it('finds every file its DICOMDIR references, and not the one it leaves out', () => {
      const { found, missing } = resolveDicomDir('Kura CD/DICOMDIR', entries, ['Kura CD/DICOMDIR', ...images]);
      expect(missing).toEqual([]);
      expect(found.size).toBe(5);
      expect([...found.values()].sort()).toEqual(images.filter((p) => !p.endsWith('IM000006')).sort());
    });

    it('finds them as a CD copied by a tool that lowers case and keeps version suffixes', () => {
      const mangled = images.map((p) => `${p.toLowerCase()};1`);
      const { found, missing } = resolveDicomDir('kura cd/dicomdir;1', entries, mangled);
      expect(missing).toEqual([]);
      expect([...found.values()].sort()).toEqual(mangled.filter((p) => !p.includes('im000006')).sort());
    });

    it('reports the files a partial copy lacks', () => {
      const { found, missing } = resolveDicomDir('Kura CD/DICOMDIR', entries, images.filter((p) => !p.endsWith('IM000003')));
      expect(found.size).toBe(4);
      expect(missing).toEqual(['DICOM/ST1/IM000003']);
    });

    it('resolves inside a ZIP of the CD', async () => {
      const scratch = mkdtempSync(join(tmpdir(), 'kura-dicomdir-'));
      try {
        const zipPath = join(scratch, 'cd.zip');
        try {
          execFileSync('python3', ['-c', 'import shutil,sys; shutil.make_archive(sys.argv[1], "zip", sys.argv[2])', zipPath.slice(0, -4), CD]);
        } catch {
          return; // no python3 to write the archive
        }
        const zip = new File([readFileSync(zipPath)], 'cd.zip');
        const paths: string[] = [];
        let dicomDir: Uint8Array | null = null;
        for await (const item of readImportSources([{ file: zip, path: 'cd.zip' }])) {
          if (isImportFailure(item)) throw new Error(`${item.name}: ${item.reason}`);
          paths.push(item.path);
          if (item.path === 'cd.zip/DICOMDIR') dicomDir = item.bytes;
        }
        const { found, missing } = resolveDicomDir('cd.zip/DICOMDIR', readDicomDir(dicomDir!), paths);
        expect(missing).toEqual([]);
        expect([...found.values()].every((p) => p.startsWith('cd.zip/DICOM/ST1/IM00000'))).toBe(true);
        expect(found.size).toBe(5);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
  });
});
