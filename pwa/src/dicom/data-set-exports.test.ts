import { describe, expect, it } from 'vitest';
import { createValueReader, parseDicomFile, readSpecificCharacterSet } from './index.ts';
import { writeTestDicom } from './_write-test-dicom.ts';

// The exports the viewer reads whole files with: a nested item's text is
// decoded with the data set's character set, as the import decodes its tags.
describe('parseDicomFile and createValueReader from index.ts', () => {
  it('reads a sequence item with the top-level Specific Character Set', async () => {
    const bytes = writeTestDicom(
      [
        { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 100' },
        {
          tag: 0x0040a730,
          vr: 'SQ',
          value: [{ elements: [{ tag: 0x0040a160, vr: 'UT', value: 'Gr\xf6\xdfe normal' }] }],
        },
      ],
      { meta: { transferSyntaxUid: '1.2.840.10008.1.2.1' } },
    );
    const file = await parseDicomFile(bytes, 'sr.dcm');
    const charset = readSpecificCharacterSet(file.dataSet);
    expect(charset).toEqual(['ISO_IR 100']);
    const item = file.dataSet.elements['x0040a730']!.items![0]!.dataSet!;
    const warnings: string[] = [];
    expect(createValueReader(item, charset, warnings).string('x0040a160', 'UT')).toBe('Größe normal');
    expect(warnings).toEqual([]);
  });
});
