// What a file is, from its first bytes: the import cannot trust names (CD
// images carry none: "IM000001") or MIME types (browsers guess them from the
// extension).

import { startsLikeZip } from './_zip-reader.ts';

export type FileKind = 'dicom' | 'zip' | 'jpeg' | 'png' | 'pdf' | 'unknown';

/** How many leading bytes sniffFileKind needs to see everything it looks for. */
export const SNIFF_LENGTH = 1024;

const DICOM_PREFIX_AT = 128;

/**
 * Every VR of PS3.5 Table 6.2-1: a data set with explicit VRs names one at
 * bytes 4–5 of its first element.
 */
const VRS = new Set([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV',
  'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV',
]);

/** Tells what a file is from its first bytes (pass at least SNIFF_LENGTH of them when the file has that many). */
export function sniffFileKind(head: Uint8Array): FileKind {
  // DICM first: a Part 10 preamble may hold another format's header (PS3.10
  // §7.1 lets it make a file a TIFF too, as pydicom's CT_small.dcm is).
  if (startsWith(head, [0x44, 0x49, 0x43, 0x4d], DICOM_PREFIX_AT)) return 'dicom';
  if (startsLikeZip(head)) return 'zip';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (isPdf(head)) return 'pdf';
  if (looksLikeDataSetWithoutPreamble(head)) return 'dicom';
  return 'unknown';
}

function startsWith(head: Uint8Array, signature: readonly number[], at = 0): boolean {
  return head.length >= at + signature.length && signature.every((byte, i) => head[at + i] === byte);
}

/** "%PDF-" within the first 1024 bytes: readers accept leading junk there (ISO 32000-1 Annex H.3). */
function isPdf(head: Uint8Array): boolean {
  const limit = Math.min(head.length, 1024) - 5;
  for (let i = 0; i <= limit; i++) {
    if (head[i] === 0x25 && head[i + 1] === 0x50 && head[i + 2] === 0x44 && head[i + 3] === 0x46 && head[i + 4] === 0x2d) return true;
  }
  return false;
}

/**
 * DICOM without the 128-byte preamble and "DICM" (PS3.10 §7.1 files written
 * by some tools, and bare data sets such as pydicom's ExplVR_LitEndNoMeta.dcm
 * or ACR-NEMA files): the first element is a File Meta Information element
 * (group 0002, always explicit VR little endian) or an Identifying element
 * (group 0008), explicit VR in either byte order or implicit VR little
 * endian. For implicit VR the 4-byte length must be small, since random
 * bytes rarely make a group, an element and a length all plausible at once.
 * pwa/src/dicom decides for sure when it parses the file.
 */
function looksLikeDataSetWithoutPreamble(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  const groupLe = head[0]! | (head[1]! << 8);
  const groupBe = (head[0]! << 8) | head[1]!;
  const elementLe = head[2]! | (head[3]! << 8);
  const elementBe = (head[2]! << 8) | head[3]!;
  const explicit = VRS.has(String.fromCharCode(head[4]!, head[5]!));
  // Data sets start with their lowest tag; in group 0002 and 0008 that is always below 0x0100.
  if (groupLe === 0x0002) return explicit && elementLe < 0x0100;
  if (groupLe === 0x0008 && elementLe < 0x0100) {
    if (explicit) return true;
    const length = (head[4]! | (head[5]! << 8) | (head[6]! << 16) | (head[7]! << 24)) >>> 0;
    return length < 0x10000 && length % 2 === 0;
  }
  return groupBe === 0x0008 && elementBe < 0x0100 && explicit;
}
