import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SNIFF_LENGTH, sniffFileKind } from './sniff-file-kind.ts';
import { writeTestZip } from './_write-test-zip.ts';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('sniffFileKind', () => {
  it('finds DICM at offset 128, even when the preamble makes the file a TIFF', () => {
    const head = new Uint8Array(132);
    head.set(ascii('II*\0'), 0);
    head.set(ascii('DICM'), 128);
    expect(sniffFileKind(head)).toBe('dicom');
  });

  it('tells ZIP (a local header or an empty archive), JPEG, PNG and PDF apart', async () => {
    expect(sniffFileKind((await writeTestZip([{ name: 'a', data: 'b' }])).subarray(0, SNIFF_LENGTH))).toBe('zip');
    expect(sniffFileKind(await writeTestZip([]))).toBe('zip');
    expect(sniffFileKind(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46))).toBe('jpeg');
    expect(sniffFileKind(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13))).toBe('png');
    expect(sniffFileKind(ascii('%PDF-1.7\n%\xe2\xe3'))).toBe('pdf');
    expect(sniffFileKind(ascii('\r\n\r\n%PDF-1.4\n'))).toBe('pdf');
  });

  it('recognises DICOM without a preamble: meta group, explicit or implicit VR, either byte order', () => {
    // (0002,0000) UL 4: a meta header without preamble and "DICM"
    expect(sniffFileKind(bytes(0x02, 0x00, 0x00, 0x00, 0x55, 0x4c, 0x04, 0x00, 0xc8, 0, 0, 0))).toBe('dicom');
    // (0008,0005) CS 10, explicit VR little endian
    expect(sniffFileKind(bytes(0x08, 0x00, 0x05, 0x00, 0x43, 0x53, 0x0a, 0x00))).toBe('dicom');
    // (0008,0000) length 4, implicit VR little endian (ACR-NEMA style)
    expect(sniffFileKind(bytes(0x08, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x1e, 0x01, 0, 0))).toBe('dicom');
    // (0008,0016) UI 26, explicit VR big endian
    expect(sniffFileKind(bytes(0x00, 0x08, 0x00, 0x16, 0x55, 0x49, 0x00, 0x1a))).toBe('dicom');
  });

  it('does not take near misses for DICOM', () => {
    // group 0002 is always explicit VR
    expect(sniffFileKind(bytes(0x02, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00))).toBe('unknown');
    // implicit VR with a huge length
    expect(sniffFileKind(bytes(0x08, 0x00, 0x05, 0x00, 0x00, 0x00, 0x10, 0x7f))).toBe('unknown');
    // DICM at offset 0 is not a layout PS3.10 knows
    expect(sniffFileKind(ascii('DICM\x02\x00\x00\x00UL'))).toBe('unknown');
    expect(sniffFileKind(ascii('hello, world, this is text'))).toBe('unknown');
    expect(sniffFileKind(new Uint8Array(0))).toBe('unknown');
    expect(sniffFileKind(bytes(0x50, 0x4b))).toBe('unknown');
  });

  it('calls almost no random data DICOM', () => {
    // A fixed seed keeps this repeatable; the expected false-positive rate of
    // the implicit-VR rule is about 1 in 2^24 per sample.
    let seed = 0x2545f491;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) & 0xff;
    };
    let hits = 0;
    for (let n = 0; n < 20000; n++) {
      const head = new Uint8Array(256).map(next);
      if (sniffFileKind(head) === 'dicom') hits++;
    }
    expect(hits).toBe(0);
  });

  const corpus = '/work/shared/dicom-corpus';
  it.skipIf(!existsSync(corpus))('calls every file of the DICOM corpus DICOM, and its notes not', () => {
    const files = readdirSync(corpus).filter((name) => statSync(join(corpus, name)).isFile());
    expect(files).toContain('pydicom__ExplVR_LitEndNoMeta.dcm');
    for (const name of files) {
      const head = readFileSync(join(corpus, name)).subarray(0, SNIFF_LENGTH);
      expect(sniffFileKind(head), name).toBe(/\.(md|json)$/.test(name) ? 'unknown' : 'dicom');
    }
  });
});
