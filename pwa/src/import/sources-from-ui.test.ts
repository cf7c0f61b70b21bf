import { describe, expect, it } from 'vitest';
import { isDocumentFile } from './is-document-file.ts';
import { sourcesFromDataTransfer } from './sources-from-data-transfer.ts';
import { sourcesFromFileList } from './sources-from-file-list.ts';

/** A File as `<input webkitdirectory>` gives it (Node's File has no webkitRelativePath). */
function picked(relativePath: string, type = ''): File {
  const file = new File(['x'], relativePath.split('/').pop()!, { type });
  Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
  return file;
}

describe('sourcesFromFileList', () => {
  it('uses the path below the chosen folder, and the name for single files', () => {
    // A plain `<input type="file">` sets webkitRelativePath to ''.
    const single = new File(['x'], 'cd.zip');
    Object.defineProperty(single, 'webkitRelativePath', { value: '' });
    const sources = sourcesFromFileList([picked('Patient CD/DICOMDIR'), picked('Patient CD/DICOM/ST1/IM000001'), single, new File(['x'], 'IM9')]);
    expect(sources.map((s) => s.path)).toEqual(['Patient CD/DICOMDIR', 'Patient CD/DICOM/ST1/IM000001', 'cd.zip', 'IM9']);
    expect(sources[1]!.file.name).toBe('IM000001');
  });

  it('leaves out operating-system clutter', () => {
    const sources = sourcesFromFileList([picked('CD/.DS_Store'), picked('CD/DICOM/Thumbs.db'), picked('CD/__MACOSX/._IM1'), picked('CD/IM1')]);
    expect(sources.map((s) => s.path)).toEqual(['CD/IM1']);
  });
});

describe('isDocumentFile', () => {
  it('sends JPEG, PNG and PDF to the form by type, and by extension when the type is unknown', () => {
    expect(isDocumentFile(new File([], 'scan', { type: 'image/jpeg' }))).toBe(true);
    expect(isDocumentFile(new File([], 'x', { type: 'image/png' }))).toBe(true);
    expect(isDocumentFile(new File([], 'x', { type: 'application/pdf' }))).toBe(true);
    expect(isDocumentFile(new File([], 'Photo.JPG'))).toBe(true);
    expect(isDocumentFile(new File([], 'referral.pdf', { type: 'application/octet-stream' }))).toBe(true);
  });

  it('keeps DICOM, ZIPs and anything a known type contradicts for the DICOM import', () => {
    expect(isDocumentFile(new File([], 'IM000001'))).toBe(false);
    expect(isDocumentFile(new File([], 'image.dcm', { type: 'application/dicom' }))).toBe(false);
    expect(isDocumentFile(new File([], 'cd.zip', { type: 'application/zip' }))).toBe(false);
    expect(isDocumentFile(new File([], 'x.png', { type: 'application/dicom' }))).toBe(false);
    expect(isDocumentFile(new File([], 'DICOMDIR'))).toBe(false);
  });
});

// The browser's FileSystemEntry API does not exist in Node; these stand-ins
// behave as Chrome's do (readEntries in batches, then an empty batch).
function fileEntry(fullPath: string): FileSystemFileEntry {
  const name = fullPath.split('/').pop()!;
  return {
    isFile: true,
    isDirectory: false,
    name,
    fullPath,
    file: (resolve: (file: File) => void) => setTimeout(() => resolve(new File([fullPath], name)), 0),
  } as unknown as FileSystemFileEntry;
}

function dirEntry(fullPath: string, children: FileSystemEntry[], batch = 2): FileSystemDirectoryEntry {
  return {
    isFile: false,
    isDirectory: true,
    name: fullPath.split('/').pop()!,
    fullPath,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (resolve: (entries: FileSystemEntry[]) => void) =>
          setTimeout(() => {
            resolve(children.slice(at, at + batch));
            at += batch;
          }, 0),
      };
    },
  } as unknown as FileSystemDirectoryEntry;
}

function dataTransfer(items: { entry: FileSystemEntry | null; file?: File; kind?: string }[]): DataTransfer {
  return {
    items: items.map(({ entry, file, kind }) => ({ kind: kind ?? 'file', webkitGetAsEntry: () => entry, getAsFile: () => file ?? null })),
    files: [],
  } as unknown as DataTransfer;
}

describe('sourcesFromDataTransfer', () => {
  it('walks dropped folders to the last batch, with paths below the drop', async () => {
    const images = Array.from({ length: 5 }, (_, i) => fileEntry(`/CD/DICOM/ST1/IM00000${i + 1}`));
    const cd = dirEntry('/CD', [
      fileEntry('/CD/DICOMDIR'),
      dirEntry('/CD/DICOM', [dirEntry('/CD/DICOM/ST1', images)]),
      fileEntry('/CD/.DS_Store'),
      dirEntry('/CD/__MACOSX', [fileEntry('/CD/__MACOSX/._DICOMDIR')]),
    ]);
    const loose = new File(['photo'], 'photo.jpg');
    const sources = await sourcesFromDataTransfer(
      dataTransfer([{ entry: cd }, { entry: fileEntry('/report.pdf') }, { entry: null, file: loose }, { entry: null, kind: 'string' }]),
    );
    expect(sources.map((s) => s.path).sort()).toEqual(
      ['CD/DICOMDIR', ...images.map((e) => e.fullPath.slice(1)), 'report.pdf', 'photo.jpg'].sort(),
    );
    const im5 = sources.find((s) => s.path === 'CD/DICOM/ST1/IM000005')!;
    expect(await im5.file.text()).toBe('/CD/DICOM/ST1/IM000005');
  });
});
