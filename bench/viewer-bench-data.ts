// Synthetic CT for the viewer suite: valid 512×512 16-bit CT instances
// (explicit VR little endian, uncompressed, as a CT scanner's export or a
// PACS in "uncompressed" mode sends them), written with the test DICOM writer.
// Each slice is a phantom of a chest: air, a body ellipse of soft tissue, two
// lungs, a spine and vessels that move with the slice position, with noise,
// so the pixel data is neither constant nor trivially compressible and the
// window/level of a real CT applies (stored value = HU + 1024).
import { writeTestDicom, type TestElement } from '../pwa/src/dicom/_write-test-dicom.ts';
import { prng } from './synthetic-studies.ts';

export const SIZE = 512;
/** The root of every UID made here (a test root, never a real device's). */
const ROOT = '1.2.826.0.1.3680043.8.498.77';

export interface SyntheticSeries {
  patientId: string;
  patientName: string;
  /** 1-based, unique within the run: makes the study, series and SOP UIDs. */
  study: number;
  studyDate: string;
  description: string;
  slices: number;
}


/** Paints an ellipse of value `hu` into the slice's HU map (painter's order: later shapes on top). */
function fillEllipse(hu: Int16Array, ex: number, ey: number, rx: number, ry: number, value: number): void {
  for (let y = Math.max(0, Math.ceil(ey - ry)); y <= Math.min(SIZE - 1, Math.floor(ey + ry)); y++) {
    const half = rx * Math.sqrt(Math.max(0, 1 - ((y - ey) / ry) ** 2));
    hu.fill(value, y * SIZE + Math.max(0, Math.ceil(ex - half)), y * SIZE + Math.min(SIZE - 1, Math.floor(ex + half)) + 1);
  }
}

/** The phantom's HU at slice `k` of `n`. */
function phantom(k: number, n: number): Int16Array {
  const hu = new Int16Array(SIZE * SIZE).fill(-1000);
  const cx = SIZE / 2;
  const cy = SIZE / 2 + 10;
  const t = n > 1 ? k / (n - 1) : 0.5;
  // The body narrows towards both ends of the stack, as a chest does.
  const body = 1 - 0.15 * Math.abs(2 * t - 1);
  fillEllipse(hu, cx, cy, 215 * body, 160 * body, -100); // subcutaneous fat
  fillEllipse(hu, cx, cy, 205 * body, 150 * body, 40); // soft tissue
  fillEllipse(hu, cx - 10, cy - 60 + 40 * t, 45, 38, 45); // heart / mediastinum
  fillEllipse(hu, cx + 25, cy - 70, 14, 14, 180); // contrast in the aorta
  const lung = 0.6 + 0.4 * Math.sin(Math.PI * t);
  for (const side of [-1, 1]) {
    const lx = cx + side * 95 * body;
    fillEllipse(hu, lx, cy - 5, 80 * body * lung, 110 * body * lung, -850);
    // A vessel drifts with the slice position, so neighbouring slices differ.
    fillEllipse(hu, lx + side * 30 * Math.cos(6 * t + side), cy - 5 + 40 * Math.sin(5 * t), 7, 7, 40);
  }
  fillEllipse(hu, cx, cy + 110 * body, 28, 24, 700); // vertebra
  fillEllipse(hu, cx, cy + 110 * body, 12, 10, 30); // spinal canal
  return hu;
}

/** Noise of σ ≈ 12 HU (a sum of three uniforms), drawn once; each slice reads it from its own offset. */
let noiseTable: Int8Array | null = null;
const NOISE_LENGTH = 1 << 20;

/** One slice's stored values (unsigned, 12 bits stored in 16). */
function slicePixels(k: number, n: number, seed: number): Uint8Array {
  if (!noiseTable) {
    const next = prng(1);
    noiseTable = new Int8Array(NOISE_LENGTH);
    for (let i = 0; i < NOISE_LENGTH; i++) noiseTable[i] = Math.round((next() + next() + next() - 1.5) * 24);
  }
  const hu = phantom(k, n);
  const out = new Uint16Array(SIZE * SIZE);
  let at = Math.floor(prng(seed)() * NOISE_LENGTH);
  for (let p = 0; p < out.length; p++) {
    out[p] = Math.min(4095, Math.max(0, hu[p]! + 1024 + noiseTable[at]!));
    at = (at + 1) & (NOISE_LENGTH - 1);
  }
  // Little endian on every platform this runs on (x86, ARM); the file says explicit VR little endian.
  return new Uint8Array(out.buffer);
}

/** The series' instances, in slice order (instance number and position increase together). */
export function syntheticCtSeries(s: SyntheticSeries): Uint8Array[] {
  const studyUid = `${ROOT}.${s.study}`;
  const seriesUid = `${studyUid}.1`;
  const spacing = 0.7;
  const thickness = 1.25;
  const files: Uint8Array[] = [];
  for (let k = 0; k < s.slices; k++) {
    const sop = `${seriesUid}.${k + 1}`;
    const z = -300 + k * thickness;
    const origin = -(SIZE * spacing) / 2;
    const elements: TestElement[] = [
      { tag: 0x00080008, vr: 'CS', value: 'ORIGINAL\\PRIMARY\\AXIAL' },
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
      { tag: 0x00080018, vr: 'UI', value: sop },
      { tag: 0x00080020, vr: 'DA', value: s.studyDate },
      { tag: 0x00080050, vr: 'SH', value: `ACC${s.study}` },
      { tag: 0x00080060, vr: 'CS', value: 'CT' },
      { tag: 0x00080080, vr: 'LO', value: 'Bench Hospital' },
      { tag: 0x00081030, vr: 'LO', value: s.description },
      { tag: 0x0008103e, vr: 'LO', value: 'Axial 1.25 mm' },
      { tag: 0x00100010, vr: 'PN', value: s.patientName },
      { tag: 0x00100020, vr: 'LO', value: s.patientId },
      { tag: 0x00100030, vr: 'DA', value: '19600101' },
      { tag: 0x00100040, vr: 'CS', value: 'F' },
      { tag: 0x00180015, vr: 'CS', value: 'CHEST' },
      { tag: 0x00180050, vr: 'DS', value: String(thickness) },
      { tag: 0x0020000d, vr: 'UI', value: studyUid },
      { tag: 0x0020000e, vr: 'UI', value: seriesUid },
      { tag: 0x00200011, vr: 'IS', value: '1' },
      { tag: 0x00200013, vr: 'IS', value: String(k + 1) },
      { tag: 0x00200032, vr: 'DS', value: `${origin}\\${origin}\\${z}` },
      { tag: 0x00200037, vr: 'DS', value: '1\\0\\0\\0\\1\\0' },
      { tag: 0x00201041, vr: 'DS', value: String(z) },
      { tag: 0x00280002, vr: 'US', value: 1 },
      { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
      { tag: 0x00280010, vr: 'US', value: SIZE },
      { tag: 0x00280011, vr: 'US', value: SIZE },
      { tag: 0x00280030, vr: 'DS', value: `${spacing}\\${spacing}` },
      { tag: 0x00280100, vr: 'US', value: 16 },
      { tag: 0x00280101, vr: 'US', value: 12 },
      { tag: 0x00280102, vr: 'US', value: 11 },
      { tag: 0x00280103, vr: 'US', value: 0 },
      { tag: 0x00281050, vr: 'DS', value: '40' },
      { tag: 0x00281051, vr: 'DS', value: '400' },
      { tag: 0x00281052, vr: 'DS', value: '-1024' },
      { tag: 0x00281053, vr: 'DS', value: '1' },
      { tag: 0x00281054, vr: 'LO', value: 'HU' },
      { tag: 0x7fe00010, vr: 'OW', value: slicePixels(k, s.slices, s.study * 100_000 + k) },
    ];
    files.push(
      writeTestDicom(elements, {
        meta: { transferSyntaxUid: '1.2.840.10008.1.2.1', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: sop },
      }),
    );
  }
  return files;
}
