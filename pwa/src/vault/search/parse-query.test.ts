import { describe, expect, it } from 'vitest';
import { parseDateBounds, parseQuery, QueryError } from './parse-query.ts';

describe('parseQuery', () => {
  it('reads free words and phrases as normalised terms', () => {
    expect(parseQuery('  Yamada  "CT HEAD" ').terms).toEqual(['yamada', 'ct head']);
    expect(parseQuery('ヤマダ').terms).toEqual(['やまだ']);
  });

  it('reads field filters', () => {
    const q = parseQuery('pn:00-123* name:"Yamada Taro" sex:f born:1960-04-01 date:2024-01..2024-03 mod:ct,MR body:HEAD desc:contrast fac:"North Clinic" acc:A123 doc:R-77 report:nodule');
    expect(q).toMatchObject({
      patientNumber: { value: '00123', prefix: true },
      nameTerms: ['yamada', 'taro'],
      sex: 'F',
      birthDate: '19600401',
      dateFrom: '20240101',
      dateTo: '20240331',
      modalities: ['CT', 'MR'],
      bodyPart: 'head',
      description: 'contrast',
      facility: 'north clinic',
      accessionNumber: 'a123',
      documentNumber: 'r-77',
      reportTerms: ['nodule'],
      terms: [],
    });
  });

  it('keeps unknown keys and URLs as words', () => {
    expect(parseQuery('foo:bar').terms).toEqual(['foo:bar']);
  });

  it('explains what is wrong', () => {
    expect(() => parseQuery('date:2024-13-01')).toThrow(QueryError);
    expect(() => parseQuery('date:yesterday')).toThrow(/2024-03-05/);
    expect(() => parseQuery('sex:x')).toThrow(/M, F or O/);
    expect(() => parseQuery('pn:')).toThrow(/needs a value/);
    expect(() => parseQuery('born:1960')).toThrow(/whole date/);
  });
});

describe('parseDateBounds', () => {
  it.each([
    ['2024-03-05', '20240305', '20240305'],
    ['2024/3/5', '20240305', '20240305'],
    ['20240305', '20240305', '20240305'],
    ['2024-03', '20240301', '20240331'],
    ['2024', '20240101', '20241231'],
  ])('%s', (text, from, to) => {
    expect(parseDateBounds(text)).toEqual({ from, to });
  });

  it('refuses impossible dates', () => {
    expect(() => parseDateBounds('2023-02-29')).toThrow(QueryError);
  });
});
