import { describe, expect, it } from 'vitest';
import type { InstanceDetails } from '../vault/vault-api.ts';
import { documentItems } from './document-items.ts';

function instance(sopInstanceUid: string, sopClassUid: string, rows: number | null = null): InstanceDetails {
  return { sopInstanceUid, sopClassUid, instanceNumber: 1, fileName: `${sopInstanceUid}.dcm`, transferSyntaxUid: '1.2.840.10008.1.2.1', rows, columns: rows, frames: null, bytes: 10 };
}

describe('documentItems', () => {
  it('lists encapsulated PDFs, structured reports, attached files and typed text; images are not items', () => {
    const items = documentItems({
      series: [
        { seriesInstanceUid: '1', seriesNumber: 1, modality: 'CT', description: 'Axial', instances: [instance('ct', '1.2.840.10008.5.1.4.1.1.2', 512)] },
        { seriesInstanceUid: '2', seriesNumber: 2, modality: 'DOC', description: 'Referral', instances: [instance('pdf', '1.2.840.10008.5.1.4.1.1.104.1')] },
        { seriesInstanceUid: '3', seriesNumber: 3, modality: 'SR', description: '', instances: [instance('sr', '1.2.840.10008.5.1.4.1.1.88.33')] },
      ],
      documents: [
        {
          documentId: 'doc_1',
          type: 'XC',
          managementNumber: 'M-7',
          text: '',
          files: [
            { name: 'wound.jpg', mediaType: 'image/jpeg', bytes: 100 },
            { name: 'scan.pdf', mediaType: 'application/pdf', bytes: 100 },
          ],
        },
        { documentId: 'doc_2', type: 'chart', managementNumber: '', text: 'BP 120/80', files: [] },
        { documentId: 'doc_3', type: 'report', managementNumber: '', text: '   ', files: [] },
      ],
    });
    expect(items.map((i) => [i.key, i.label, i.title])).toEqual([
      ['instance:pdf', 'PDF', 'Referral'],
      ['instance:sr', 'SR', 'Structured report'],
      ['file:doc_1:0', 'Photo', 'XC M-7: wound.jpg'],
      ['file:doc_1:1', 'PDF', 'XC M-7: scan.pdf'],
      ['text:doc_2', 'Chart', 'Chart'],
    ]);
    expect(items[2]!.source).toEqual({ kind: 'file', documentId: 'doc_1', fileIndex: 0, fileName: 'wound.jpg', mediaType: 'image/jpeg' });
  });
});
