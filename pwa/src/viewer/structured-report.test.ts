import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeTestDicom } from '../dicom/_write-test-dicom.ts';
import type { TestElement, TestItem } from '../dicom/_write-test-dicom.ts';
import { isStructuredReport, readStructuredReport, readableName } from './structured-report.ts';
import type { ReportNode } from './structured-report.ts';

const CORPUS_SR = new URL('../../../../shared/dicom-corpus/pydicom__test-SR.dcm', import.meta.url).pathname;

const code = (meaning: string, value = 'X1', scheme = '99TEST'): TestItem => ({
  elements: [
    { tag: 0x00080100, vr: 'SH', value },
    { tag: 0x00080102, vr: 'SH', value: scheme },
    { tag: 0x00080104, vr: 'LO', value: meaning },
  ],
});

function item(relationship: string, valueType: string, name: string, rest: TestElement[] = []): TestItem {
  return {
    elements: [
      { tag: 0x0040a010, vr: 'CS', value: relationship },
      { tag: 0x0040a040, vr: 'CS', value: valueType },
      { tag: 0x0040a043, vr: 'SQ', value: [code(name)] },
      ...rest,
    ].sort((a, b) => a.tag - b.tag),
  };
}

function generatedReport(): Uint8Array {
  const findings = item('CONTAINS', 'CONTAINER', 'Findings', [
    { tag: 0x0040a050, vr: 'CS', value: 'SEPARATE' },
    {
      tag: 0x0040a730,
      vr: 'SQ',
      value: [
        item('CONTAINS', 'TEXT', 'Finding', [{ tag: 0x0040a160, vr: 'UT', value: 'Kleiner Knoten, glatt begrenzt' }]),
        item('CONTAINS', 'CODE', 'Laterality', [{ tag: 0x0040a168, vr: 'SQ', value: [code('Right', 'G-A100', 'SRT')] }]),
        item('CONTAINS', 'NUM', 'Diameter', [
          {
            tag: 0x0040a300,
            vr: 'SQ',
            value: [
              {
                elements: [
                  { tag: 0x004008ea, vr: 'SQ', value: [code('millimeter', 'mm', 'UCUM')] },
                  { tag: 0x0040a30a, vr: 'DS', value: '12.5' },
                ],
              },
            ],
          },
        ]),
      ],
    },
  ]);
  return writeTestDicom(
    [
      { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 100' },
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.88.11' },
      { tag: 0x00080023, vr: 'DA', value: '20240501' },
      { tag: 0x00080033, vr: 'TM', value: '101500' },
      { tag: 0x0040a040, vr: 'CS', value: 'CONTAINER' },
      { tag: 0x0040a043, vr: 'SQ', value: [code('Chest CT report')] },
      { tag: 0x0040a050, vr: 'CS', value: 'SEPARATE' },
      {
        tag: 0x0040a073,
        vr: 'SQ',
        value: [{ elements: [{ tag: 0x0040a075, vr: 'PN', value: 'M\xfcller^Anna' }] }],
      },
      { tag: 0x0040a491, vr: 'CS', value: 'COMPLETE' },
      { tag: 0x0040a493, vr: 'CS', value: 'VERIFIED' },
      {
        tag: 0x0040a730,
        vr: 'SQ',
        value: [
          item('HAS OBS CONTEXT', 'PNAME', 'Recording observer', [{ tag: 0x0040a123, vr: 'PN', value: 'Sato^Ken' }]),
          item('HAS OBS CONTEXT', 'DATE', 'Study date', [{ tag: 0x0040a121, vr: 'DA', value: '20240430' }]),
          // Undefined length, as many writers store sequences.
          { ...findings, undefinedLength: true },
        ],
      },
    ],
    { meta: { transferSyntaxUid: '1.2.840.10008.1.2.1', sopClassUid: '1.2.840.10008.5.1.4.1.1.88.11' } },
  );
}

function lines(node: ReportNode, depth = 0): string[] {
  return [`${'  '.repeat(depth)}${node.valueType} ${node.name ?? '-'}: ${node.value ?? '-'}`, ...node.children.flatMap((c) => lines(c, depth + 1))];
}

describe('readStructuredReport', () => {
  it('walks a generated report: containers nest, each value type reads as text, Latin-1 decoded', async () => {
    const report = await readStructuredReport(generatedReport(), 'report.dcm');
    expect(report.title).toBe('Chest CT report');
    expect(report.completion).toBe('COMPLETE');
    expect(report.verification).toBe('VERIFIED');
    expect(report.contentDateTime).toBe('20240501 101500');
    expect(report.verifiedBy).toEqual(['Anna Müller']);
    expect(report.truncated).toBe(false);
    expect(lines(report.root)).toEqual([
      'CONTAINER Chest CT report: -',
      '  PNAME Recording observer: Ken Sato',
      '  DATE Study date: 2024-04-30',
      '  CONTAINER Findings: -',
      '    TEXT Finding: Kleiner Knoten, glatt begrenzt',
      '    CODE Laterality: Right',
      '    NUM Diameter: 12.5 mm',
    ]);
    expect(report.root.children[2]!.relationship).toBe('CONTAINS');
    expect(report.root.relationship).toBeNull();
  });

  it('refuses a file without a content tree', async () => {
    const bytes = writeTestDicom([{ tag: 0x00100010, vr: 'PN', value: 'Doe^J' }], {
      meta: { transferSyntaxUid: '1.2.840.10008.1.2.1' },
    });
    await expect(readStructuredReport(bytes, 'ct.dcm')).rejects.toThrow(/not a structured report/);
  });

  it('stops at a depth no report needs', async () => {
    let nested: TestItem = item('CONTAINS', 'TEXT', 'Leaf', [{ tag: 0x0040a160, vr: 'UT', value: 'deep' }]);
    for (let i = 0; i < 60; i++) nested = item('CONTAINS', 'CONTAINER', `Level ${i}`, [{ tag: 0x0040a730, vr: 'SQ', value: [nested] }]);
    const bytes = writeTestDicom(
      [
        { tag: 0x0040a040, vr: 'CS', value: 'CONTAINER' },
        { tag: 0x0040a730, vr: 'SQ', value: [nested] },
      ],
      { meta: { transferSyntaxUid: '1.2.840.10008.1.2.1' } },
    );
    const report = await readStructuredReport(bytes, 'deep.dcm');
    expect(report.truncated).toBe(true);
  });

  it.skipIf(!existsSync(CORPUS_SR))('reads the corpus Comprehensive SR (DCMTK test document)', async () => {
    const report = await readStructuredReport(new Uint8Array(readFileSync(CORPUS_SR)), 'pydicom__test-SR.dcm');
    expect(report.title).toBe('Diagnosis');
    expect(report.verification).toBe('VERIFIED');
    expect(report.verifiedBy).toContain('Jörg Riesmeier');
    const text = lines(report.root).join('\n');
    expect(text).toContain('TEXT Text Code: A mass of');
    expect(text).toContain('NUM Diameter: 3 Length Unit');
    expect(text).toContain('UIDREF Some UID: 1.2.3.4.5');
    expect(text).toContain('DATE Date: 2000-12-06');
    expect(text).toContain('DATETIME DateTime: 2000-12-06 12:00:00');
    expect(text).toMatch(/: see item \d+(\.\d+)*/);
  });
});

describe('the helpers', () => {
  it('tells SR classes from others', () => {
    expect(isStructuredReport('1.2.840.10008.5.1.4.1.1.88.33')).toBe(true);
    expect(isStructuredReport('1.2.840.10008.5.1.4.1.1.104.1')).toBe(false);
    expect(isStructuredReport(null)).toBe(false);
  });

  it('reads person names given name first', () => {
    expect(readableName('Riesmeier^J')).toBe('J Riesmeier');
    expect(readableName('Yamada^Taro=山田^太郎')).toBe('Taro Yamada');
    expect(readableName('Observer^Verifying')).toBe('Verifying Observer');
  });
});
