// Deflated Explicit VR Little Endian (PS3.5 §A.5) for the viewer. The DICOM
// image loader parses files with dcmjs's streaming reader, which does not
// inflate; so a deflated file is rewritten, once, in memory, as the same
// data set in Explicit VR Little Endian: its File Meta Information copied
// with the new Transfer Syntax UID (and group length), then the inflated
// data set. Every other file passes through untouched.
import { inflateDataSet } from '../dicom/index.ts';

const DEFLATED = '1.2.840.10008.1.2.1.99';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
/** VRs with a 2-byte reserved field and a 4-byte length (PS3.5 §7.1.2). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

interface MetaElement {
  group: number;
  element: number;
  /** The whole element, header included. */
  bytes: Uint8Array;
  value: Uint8Array;
}

function readMeta(file: Uint8Array): { elements: MetaElement[]; end: number } | null {
  if (file.length < 132 || String.fromCharCode(...file.subarray(128, 132)) !== 'DICM') return null;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const elements: MetaElement[] = [];
  let offset = 132;
  while (offset + 8 <= file.length && view.getUint16(offset, true) === 0x0002) {
    const group = view.getUint16(offset, true);
    const element = view.getUint16(offset + 2, true);
    const vr = String.fromCharCode(file[offset + 4]!, file[offset + 5]!);
    let header = 8;
    let length = view.getUint16(offset + 6, true);
    if (LONG_VRS.has(vr)) {
      header = 12;
      length = view.getUint32(offset + 8, true);
    }
    const end = offset + header + length;
    if (end > file.length) return null;
    elements.push({ group, element, bytes: file.subarray(offset, end), value: file.subarray(offset + header, end) });
    offset = end;
  }
  return { elements, end: offset };
}

function uiElement(element: number, uid: string): Uint8Array {
  const padded = uid.length % 2 === 0 ? uid : `${uid}\0`;
  const out = new Uint8Array(8 + padded.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0x0002, true);
  view.setUint16(2, element, true);
  out[4] = 0x55; // 'U'
  out[5] = 0x49; // 'I'
  view.setUint16(6, padded.length, true);
  for (let i = 0; i < padded.length; i++) out[8 + i] = padded.charCodeAt(i);
  return out;
}

/** The file itself, or for a deflated one the same data set in Explicit VR Little Endian. */
export async function inflateIfDeflated(file: Uint8Array): Promise<Uint8Array> {
  const meta = readMeta(file);
  if (!meta) return file;
  const syntax = meta.elements.find((e) => e.element === 0x0010);
  if (!syntax) return file;
  const uid = String.fromCharCode(...syntax.value).replace(/[\0 ]+$/, '');
  if (uid !== DEFLATED) return file;
  const dataSet = await inflateDataSet(file.subarray(meta.end), 'deflated data set');
  const kept = meta.elements.filter((e) => e.element !== 0x0000 && e.element !== 0x0010);
  const parts = [...kept.filter((e) => e.element < 0x0010).map((e) => e.bytes), uiElement(0x0010, EXPLICIT_LE), ...kept.filter((e) => e.element > 0x0010).map((e) => e.bytes)];
  const groupLength = parts.reduce((n, p) => n + p.length, 0);
  const lengthElement = new Uint8Array(12);
  const lv = new DataView(lengthElement.buffer);
  lv.setUint16(0, 0x0002, true);
  lv.setUint16(2, 0x0000, true);
  lengthElement[4] = 0x55; // 'U'
  lengthElement[5] = 0x4c; // 'L'
  lv.setUint16(6, 4, true);
  lv.setUint32(8, groupLength, true);
  const out = new Uint8Array(132 + 12 + groupLength + dataSet.length);
  out.set(file.subarray(0, 132), 0);
  let offset = 132;
  for (const part of [lengthElement, ...parts]) {
    out.set(part, offset);
    offset += part.length;
  }
  out.set(dataSet, offset);
  return out;
}
