// Structured reports (PS3.3 §C.17.3) as a readable outline: the content tree
// of Content Sequence (0040,A730) items, each a concept name and a value,
// containers nesting. The viewer shows the outline; nothing here draws.
// Pure: no DOM; text is decoded per Specific Character Set like the import's.
import type { DataSet, Element } from 'dicom-parser';
import { createValueReader, parseDicomFile, readSpecificCharacterSet } from '../dicom/index.ts';
import type { ValueReader } from '../dicom/index.ts';

/** Every SR storage class (Basic Text, Enhanced, Comprehensive, CAD, dose…) shares this root. */
const SR_ROOT = '1.2.840.10008.5.1.4.1.1.88.';

const CONTENT_SEQUENCE = 'x0040a730';
const CONCEPT_NAME_CODE_SEQUENCE = 'x0040a043';
const CONCEPT_CODE_SEQUENCE = 'x0040a168';
const MEASURED_VALUE_SEQUENCE = 'x0040a300';
const MEASUREMENT_UNITS_CODE_SEQUENCE = 'x004008ea';
const REFERENCED_SOP_SEQUENCE = 'x00081199';
const VERIFYING_OBSERVER_SEQUENCE = 'x0040a073';
const AUTHOR_OBSERVER_SEQUENCE = 'x0040a078';
const PERSON_NAME = 'x0040a123';

/** A hostile or broken file must not nest the outline without end. */
const MAX_DEPTH = 48;
const MAX_NODES = 20_000;

export interface ReportNode {
  /** (0040,A040): CONTAINER, TEXT, CODE, NUM, DATE, TIME, DATETIME, PNAME, UIDREF, IMAGE, COMPOSITE, SCOORD… */
  valueType: string;
  /** (0040,A010) relationship with the parent: CONTAINS, HAS OBS CONTEXT, HAS CONCEPT MOD…; null for the root. */
  relationship: string | null;
  /** The concept name's Code Meaning, or null when the item has none. */
  name: string | null;
  /** The value as text; null for a container or an item without one. */
  value: string | null;
  children: ReportNode[];
}

export interface StructuredReport {
  /** The root container's concept name: the document title. */
  title: string;
  /** (0040,A491) COMPLETE or PARTIAL; '' when absent. */
  completion: string;
  /** (0040,A493) VERIFIED or UNVERIFIED; '' when absent. */
  verification: string;
  /** Content Date and Time, as stored (DA + TM); '' when absent. */
  contentDateTime: string;
  /** Verifying Observer Names (0040,A075), then Author Observer names, readable. */
  verifiedBy: string[];
  root: ReportNode;
  /** Items left out: past MAX_DEPTH or MAX_NODES. */
  truncated: boolean;
}

export function isStructuredReport(sopClassUid: string | null): boolean {
  return sopClassUid !== null && sopClassUid.startsWith(SR_ROOT);
}

export async function readStructuredReport(bytes: Uint8Array, fileName: string): Promise<StructuredReport> {
  const file = await parseDicomFile(bytes, fileName);
  return structuredReportOf(file.dataSet, fileName);
}

/** The outline of an already parsed data set. */
export function structuredReportOf(dataSet: DataSet, fileName = 'report'): StructuredReport {
  const charset = readSpecificCharacterSet(dataSet);
  const warnings: string[] = [];
  const reader = (set: DataSet): ValueReader => createValueReader(set, readSpecificCharacterSet(set) ?? charset, warnings);
  const top = reader(dataSet);
  if ((top.string('x0040a040', 'CS') ?? '') === '' && !dataSet.elements[CONTENT_SEQUENCE]) {
    throw new Error(`${fileName} is not a structured report: it has no content tree`);
  }
  const budget = { nodes: 0, truncated: false };

  function node(set: DataSet, relationship: string | null, depth: number): ReportNode {
    budget.nodes++;
    const read = reader(set);
    const valueType = read.string('x0040a040', 'CS') ?? '';
    const children: ReportNode[] = [];
    const content = items(set.elements[CONTENT_SEQUENCE]);
    if (depth >= MAX_DEPTH && content.length > 0) budget.truncated = true;
    else {
      for (const item of content) {
        if (budget.nodes >= MAX_NODES) {
          budget.truncated = true;
          break;
        }
        const itemRead = reader(item);
        children.push(node(item, itemRead.string('x0040a010', 'CS') ?? null, depth + 1));
      }
    }
    return {
      valueType,
      relationship,
      name: codeMeaning(items(set.elements[CONCEPT_NAME_CODE_SEQUENCE])[0], reader),
      value: valueOf(set, valueType, read, reader),
      children,
    };
  }

  const root = node(dataSet, null, 0);
  const date = top.string('x0008a023', 'DA') ?? top.string('x00080023', 'DA') ?? '';
  const time = top.string('x00080033', 'TM') ?? '';
  const names = (tag: string, nameTag: string) =>
    items(dataSet.elements[tag])
      .map((item) => reader(item).string(nameTag, 'PN'))
      .filter((name): name is string => !!name)
      .map(readableName);
  return {
    title: root.name ?? '',
    completion: top.string('x0040a491', 'CS') ?? '',
    verification: top.string('x0040a493', 'CS') ?? '',
    contentDateTime: [date, time].filter(Boolean).join(' '),
    verifiedBy: [...names(VERIFYING_OBSERVER_SEQUENCE, 'x0040a075'), ...authorNames(dataSet, reader)],
    root,
    truncated: budget.truncated,
  };
}

function items(element: Element | undefined): DataSet[] {
  return (element?.items ?? []).flatMap((item) => (item.dataSet ? [item.dataSet] : []));
}

/** A code as people read it: its meaning, else its value and scheme. */
function codeMeaning(item: DataSet | undefined, reader: (set: DataSet) => ValueReader): string | null {
  if (!item) return null;
  const read = reader(item);
  const meaning = read.string('x00080104', 'LO');
  if (meaning) return meaning;
  const value = read.string('x00080100', 'SH') ?? read.string('x00080119', 'UC') ?? read.string('x00080120', 'UR');
  const scheme = read.string('x00080102', 'SH');
  return value ? (scheme ? `${value} (${scheme})` : value) : null;
}

function valueOf(set: DataSet, valueType: string, read: ValueReader, reader: (set: DataSet) => ValueReader): string | null {
  switch (valueType) {
    case 'TEXT':
      return read.string('x0040a160', 'UT');
    case 'CODE':
      return codeMeaning(items(set.elements[CONCEPT_CODE_SEQUENCE])[0], reader);
    case 'NUM': {
      const measured = items(set.elements[MEASURED_VALUE_SEQUENCE])[0];
      if (!measured) return null;
      const m = reader(measured);
      const number = m.string('x0040a30a', 'DS');
      if (number === null || number === '') return null;
      const unitItem = items(measured.elements[MEASUREMENT_UNITS_CODE_SEQUENCE])[0];
      const unit = unitItem ? unitOf(unitItem, reader) : '';
      return unit ? `${number} ${unit}` : number;
    }
    case 'DATE':
      return formatDate(read.string('x0040a121', 'DA'));
    case 'TIME':
      return formatTime(read.string('x0040a122', 'TM'));
    case 'DATETIME':
      return formatDateTime(read.string('x0040a120', 'DT'));
    case 'PNAME': {
      const name = read.string(PERSON_NAME, 'PN');
      return name ? readableName(name) : null;
    }
    case 'UIDREF':
      return read.string('x0040a124', 'UI');
    case 'IMAGE':
    case 'COMPOSITE':
    case 'WAVEFORM': {
      const ref = items(set.elements[REFERENCED_SOP_SEQUENCE])[0];
      const uid = ref ? reader(ref).string('x00081155', 'UI') : null;
      return uid ? `${valueType.toLowerCase()} ${uid}` : valueType.toLowerCase();
    }
    case 'SCOORD':
    case 'SCOORD3D':
    case 'TCOORD':
      return `${valueType === 'TCOORD' ? 'time' : 'spatial'} coordinates (${read.string('x00700023', 'CS') ?? read.string('x0040a130', 'CS') ?? 'region'})`;
    case '': {
      // A by-reference relationship (PS3.3 §C.17.3.2.5): the item points at
      // another content item by its position path, and has no value of its own.
      const reference = set.elements['x0040db73'];
      if (!reference) return null;
      const path = Array.from({ length: Math.floor(reference.length / 4) }, (_, i) => set.uint32('x0040db73', i));
      return `see item ${path.join('.')}`;
    }
    default:
      return null;
  }
}

/** UCUM units read best as their code ("mm", "cm2"; "1" is no unit); other schemes by meaning. */
function unitOf(item: DataSet, reader: (set: DataSet) => ValueReader): string {
  const read = reader(item);
  const code = read.string('x00080100', 'SH') ?? '';
  if ((read.string('x00080102', 'SH') ?? '').toUpperCase() === 'UCUM') return code === '1' ? '' : code;
  return codeMeaning(item, reader) ?? '';
}

function authorNames(dataSet: DataSet, reader: (set: DataSet) => ValueReader): string[] {
  return items(dataSet.elements[AUTHOR_OBSERVER_SEQUENCE])
    .map((item) => reader(item).string(PERSON_NAME, 'PN'))
    .filter((name): name is string => !!name)
    .map(readableName);
}

/** 'Riesmeier^J' → 'J Riesmeier'; the alphabetic group only, as the report lists names. */
export function readableName(value: string): string {
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = (value.split('=')[0] ?? '').split('^');
  return [prefix, given, middle, family, suffix].map((part) => part.trim()).filter(Boolean).join(' ');
}

function formatDate(value: string | null): string | null {
  if (!value) return value;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : value;
}

function formatTime(value: string | null): string | null {
  if (!value) return value;
  const m = /^(\d{2})(\d{2})?(\d{2})?/.exec(value);
  return m ? [m[1], m[2], m[3]].filter(Boolean).join(':') : value;
}

function formatDateTime(value: string | null): string | null {
  if (!value) return value;
  const date = formatDate(value.slice(0, 8));
  const time = value.length > 8 ? formatTime(value.slice(8)) : null;
  return [date, time].filter(Boolean).join(' ');
}
