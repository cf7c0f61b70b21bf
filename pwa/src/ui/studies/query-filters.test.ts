import { describe, expect, it } from 'vitest';
import { dateToken, modalityToken, readFilters, withFilter } from './query-filters.ts';

describe('quick filters in the query text', () => {
  it('reads the filters a person typed', () => {
    expect(readFilters('tanaka mod:ct,mr date:2024-01-05..2024-02-01 sex:f')).toEqual({
      modalities: ['CT', 'MR'],
      dateFrom: '2024-01-05',
      dateTo: '2024-02-01',
      sex: 'F',
    });
  });

  it('leaves month and open bounds out of the date inputs', () => {
    expect(readFilters('date:2024-03').dateFrom).toBe('');
    expect(readFilters('date:..2024-03-31')).toMatchObject({ dateFrom: '', dateTo: '2024-03-31' });
    expect(readFilters('date:20240305')).toMatchObject({ dateFrom: '2024-03-05', dateTo: '2024-03-05' });
  });

  it('replaces one filter and keeps the rest of the text', () => {
    const text = 'name:"yamada taro" modality:CT chest';
    expect(withFilter(text, 'modality', modalityToken(['CT', 'MR']))).toBe('name:"yamada taro" chest mod:CT,MR');
    expect(withFilter(text, 'modality', null)).toBe('name:"yamada taro" chest');
    expect(withFilter('', 'date', dateToken('2024-01-01', ''))).toBe('date:2024-01-01..');
  });
});
