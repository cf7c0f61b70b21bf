import { describe, expect, it } from 'vitest';
import { decodeIndexPage, encodeIndexPage } from './_index-page-codec.ts';
import type { IndexPageBody } from './_local-index.ts';

const body: IndexPageBody = {
  studies: [
    {
      entry: {
        studyId: 'st_1',
        patientKey: 'pk_a',
        patientNumber: '00123',
        patientName: { alphabetic: 'Yamada^Tarou', ideographic: '山田^太郎', phonetic: 'やまだ^たろう' },
        patientSex: 'M',
        patientBirthDate: '19600401',
        studyDate: '20240110',
        modalities: ['PT', 'CT'],
        bodyPart: 'CHEST',
        description: 'CT "chest" \\ with, contrast',
        facility: 'North Clinic',
        accessionNumber: 'A-1',
        documentNumbers: ['R-77', 'R-78'],
        reportText: 'Line one.\nLine two: 😀',
      },
      studyInstanceUid: '1.2.3.4',
      keyId: 'k_1',
      wrappedKey: 'AAAA_-',
      logPages: [1, 7, 12],
    },
    {
      entry: {
        studyId: 'st_2',
        patientKey: 'pk_a',
        patientNumber: '00123',
        patientName: { alphabetic: 'Yamada^Tarou', ideographic: '', phonetic: '' },
        patientSex: '',
        patientBirthDate: '',
        studyDate: '',
        modalities: [],
        bodyPart: '',
        description: '',
        facility: '',
        accessionNumber: '',
        documentNumbers: [],
        reportText: '',
      },
      studyInstanceUid: null,
      keyId: 'k_2',
      wrappedKey: 'BBBB',
      logPages: [],
    },
  ],
  patients: [{ patientKey: 'pk_a', docId: 'pat_1', keyId: 'k_p', wrappedKey: 'CCCC', logPages: [3] }],
};

describe('index page codec', () => {
  it('reads back exactly what it wrote, nulls, empty lists and all', () => {
    expect(decodeIndexPage(encodeIndexPage(body))).toEqual(body);
    expect(decodeIndexPage(encodeIndexPage({ studies: [], patients: [] }))).toEqual({ studies: [], patients: [] });
  });

  it('keeps each repeated string once', () => {
    const many = { studies: Array.from({ length: 50 }, (_, i) => ({ ...body.studies[0]!, entry: { ...body.studies[0]!.entry, studyId: `st_${i}` } })), patients: [] };
    const text = new TextDecoder().decode(encodeIndexPage(many));
    expect(text.split('North Clinic').length - 1).toBe(1);
  });

  it('refuses a page of another version or cut short', () => {
    const bytes = encodeIndexPage(body);
    expect(() => decodeIndexPage(Uint8Array.of(2, ...bytes.subarray(1)))).toThrow(/version/);
    expect(() => decodeIndexPage(bytes.subarray(0, bytes.length - 4))).toThrow(/cut short/);
  });
});
