import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeTestDicom } from '../dicom/_write-test-dicom.ts';
import { isEncapsulatedDocument, readEncapsulatedDocument, sniffMediaType } from './encapsulated-document.ts';

const CORPUS_PDF = new URL('../../../../shared/dicom-corpus/orthanc__sample-pdf.dcm', import.meta.url).pathname;
const META = { transferSyntaxUid: '1.2.840.10008.1.2.1', sopClassUid: '1.2.840.10008.5.1.4.1.1.104.1' };
const PDF = '%PDF-1.4\n%%EOF\n'; // 15 bytes: written with one pad byte

describe('readEncapsulatedDocument', () => {
  it('finds the PDF, its type and title, without the pad byte', async () => {
    const bytes = writeTestDicom(
      [
        { tag: 0x00420010, vr: 'ST', value: 'Referral letter' },
        { tag: 0x00420011, vr: 'OB', value: PDF },
        { tag: 0x00420012, vr: 'LO', value: 'application/pdf' },
      ],
      { meta: META },
    );
    const doc = await readEncapsulatedDocument(bytes, 'letter.dcm');
    expect(doc.mediaType).toBe('application/pdf');
    expect(doc.title).toBe('Referral letter');
    expect(new TextDecoder().decode(doc.bytes)).toBe(PDF);
    // A copy: the file's buffer can be dropped.
    expect(doc.bytes.buffer).not.toBe(bytes.buffer);
  });

  it('keeps to Encapsulated Document Length (0042,0015) and sniffs a missing MIME type', async () => {
    const bytes = writeTestDicom(
      [
        { tag: 0x00420011, vr: 'OB', value: `${PDF}\0\0\0` },
        { tag: 0x00420015, vr: 'UL', value: PDF.length },
      ],
      { meta: META },
    );
    const doc = await readEncapsulatedDocument(bytes, 'x.dcm');
    expect(doc.mediaType).toBe('application/pdf');
    expect(doc.bytes.length).toBe(PDF.length);
  });

  it('says so when there is no document', async () => {
    const bytes = writeTestDicom([{ tag: 0x00100010, vr: 'PN', value: 'Doe^J' }], { meta: META });
    await expect(readEncapsulatedDocument(bytes, 'empty.dcm')).rejects.toThrow(/no Encapsulated Document \(0042,0011\)/);
  });

  it.skipIf(!existsSync(CORPUS_PDF))('reads the corpus PDF (DCMTK pdf2dcm)', async () => {
    const doc = await readEncapsulatedDocument(new Uint8Array(readFileSync(CORPUS_PDF)), 'orthanc__sample-pdf.dcm');
    expect(doc.mediaType).toBe('application/pdf');
    const text = new TextDecoder('latin1').decode(doc.bytes);
    expect(text.startsWith('%PDF-1.4')).toBe(true);
    expect(text.endsWith('%%EOF\n')).toBe(true);
  });
});

describe('the helpers', () => {
  it('tells encapsulated document classes from others', () => {
    expect(isEncapsulatedDocument('1.2.840.10008.5.1.4.1.1.104.1')).toBe(true);
    expect(isEncapsulatedDocument('1.2.840.10008.5.1.4.1.1.104.2')).toBe(true);
    expect(isEncapsulatedDocument('1.2.840.10008.5.1.4.1.1.88.33')).toBe(false);
  });

  it('sniffs PDF, JPEG and PNG', () => {
    expect(sniffMediaType(new TextEncoder().encode('%PDF-1.7'))).toBe('application/pdf');
    expect(sniffMediaType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffMediaType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffMediaType(new Uint8Array([1, 2, 3]))).toBeNull();
  });
});
