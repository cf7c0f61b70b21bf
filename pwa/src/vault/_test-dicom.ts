// Test-only: small synthetic DICOM instances for the vault's tests.
import { writeTestDicom } from '../dicom/_write-test-dicom.ts';

export interface SyntheticStudy {
  patientId: string;
  patientName: string;
  studyUid: string;
  description?: string;
  institution?: string;
  studyDate?: string;
  accession?: string;
}

/** One CT instance of 16×16 pixels; `pixels` fills the Pixel Data (repeated). */
export function writeSyntheticInstance(study: SyntheticStudy, instance: number, pixels = 'PIXELS'): Uint8Array {
  const sop = `${study.studyUid}.1.${instance}`;
  const pixelBytes = new Uint8Array(16 * 16 * 2);
  for (let i = 0; i < pixelBytes.length; i++) pixelBytes[i] = pixels.charCodeAt(i % pixels.length);
  return writeTestDicom(
    [
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
      { tag: 0x00080018, vr: 'UI', value: sop },
      { tag: 0x00080020, vr: 'DA', value: study.studyDate ?? '20240315' },
      { tag: 0x00080050, vr: 'SH', value: study.accession ?? 'ACC1' },
      { tag: 0x00080060, vr: 'CS', value: 'CT' },
      { tag: 0x00080080, vr: 'LO', value: study.institution ?? 'General Hospital' },
      { tag: 0x00081030, vr: 'LO', value: study.description ?? 'CT chest' },
      { tag: 0x00100010, vr: 'PN', value: study.patientName },
      { tag: 0x00100020, vr: 'LO', value: study.patientId },
      { tag: 0x00100030, vr: 'DA', value: '19700101' },
      { tag: 0x00100040, vr: 'CS', value: 'F' },
      { tag: 0x0020000d, vr: 'UI', value: study.studyUid },
      { tag: 0x0020000e, vr: 'UI', value: `${study.studyUid}.1` },
      { tag: 0x00200011, vr: 'IS', value: '1' },
      { tag: 0x00200013, vr: 'IS', value: String(instance) },
      { tag: 0x00280010, vr: 'US', value: 16 },
      { tag: 0x00280011, vr: 'US', value: 16 },
      { tag: 0x7fe00010, vr: 'OW', value: pixelBytes },
    ],
    { meta: { transferSyntaxUid: '1.2.840.10008.1.2.1', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: sop } },
  );
}
