import { describe, expect, it } from 'vitest';
import { parseQuery } from './parse-query.ts';
import { SearchIndex } from './search-index.ts';
import type { StudyEntry } from './study-entry.ts';

function study(over: Partial<StudyEntry> & Pick<StudyEntry, 'studyId' | 'patientKey'>): StudyEntry {
  return {
    patientNumber: '',
    patientName: { alphabetic: '', ideographic: '', phonetic: '' },
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
    ...over,
  };
}

const yamada = { patientKey: 'pk_yamada', patientNumber: '00123', patientName: { alphabetic: 'Yamada^Tarou', ideographic: '山田^太郎', phonetic: 'やまだ^たろう' }, patientSex: 'M', patientBirthDate: '19600401' };
const munoz = { patientKey: 'pk_munoz', patientNumber: '00981', patientName: { alphabetic: 'Muñoz^José', ideographic: '', phonetic: '' }, patientSex: 'F' };

const index = new SearchIndex([
  study({ ...yamada, studyId: 's1', studyDate: '20240110', modalities: ['CT'], bodyPart: 'HEAD', description: 'CT head without contrast', accessionNumber: 'A-1', facility: 'North Clinic' }),
  study({ ...yamada, studyId: 's2', studyDate: '20240305', modalities: ['MR'], bodyPart: 'KNEE', description: 'MR knee', reportText: 'Small meniscal tear.' }),
  study({ ...yamada, studyId: 's3', studyDate: '', modalities: ['DOC'], documentNumbers: ['R-77'] }),
  study({ ...munoz, studyId: 's4', studyDate: '20240201', modalities: ['CR'], bodyPart: 'CHEST', description: 'Chest PA' }),
]);

const ids = (q: string) => index.search(parseQuery(q)).flatMap((g) => g.studies.map((s) => s.studyId));

describe('SearchIndex', () => {
  it('finds the Japanese patient by kanji, hiragana, katakana and romaji', () => {
    for (const q of ['山田', 'やまだ', 'ヤマダ', 'ﾔﾏﾀﾞ', 'yamada', 'YAMADA tarou', 'name:たろう']) {
      expect(ids(q), q).toEqual(['s2', 's1', 's3']);
    }
  });

  it('ignores accents and case', () => {
    expect(ids('munoz jose')).toEqual(['s4']);
    expect(ids('MUÑOZ')).toEqual(['s4']);
  });

  it('groups by patient, newest study first, patients by their newest study', () => {
    const groups = index.search(parseQuery(''));
    expect(groups.map((g) => g.patientKey)).toEqual(['pk_yamada', 'pk_munoz']);
    expect(groups[0]!.studies.map((s) => s.studyId)).toEqual(['s2', 's1', 's3']);
  });

  it('filters by patient number exactly or by prefix', () => {
    expect(ids('pn:00123')).toEqual(['s2', 's1', 's3']);
    expect(ids('pn:001')).toEqual([]);
    expect(ids('pn:00*')).toEqual(['s2', 's1', 's3', 's4']);
    expect(ids('pn:００１２３')).toEqual(['s2', 's1', 's3']);
  });

  it('filters by date range and modality together', () => {
    expect(ids('date:2024-01..2024-02 mod:CT,CR')).toEqual(['s4', 's1']);
    expect(ids('date:2024-03')).toEqual(['s2']);
  });

  it('filters by sex, birth date, body part, description, facility, accession, document number and report text', () => {
    expect(ids('sex:F')).toEqual(['s4']);
    expect(ids('born:1960-04-01 body:knee')).toEqual(['s2']);
    expect(ids('desc:contrast')).toEqual(['s1']);
    expect(ids('fac:north')).toEqual(['s1']);
    expect(ids('acc:a-1')).toEqual(['s1']);
    expect(ids('doc:r-77')).toEqual(['s3']);
    expect(ids('report:meniscal')).toEqual(['s2']);
    expect(ids('tear')).toEqual(['s2']);
  });

  it('shows a patient timeline and forgets everything on clear', () => {
    expect(index.patient('pk_munoz')?.studies.map((s) => s.studyId)).toEqual(['s4']);
    const copy = new SearchIndex(index.search(parseQuery('')).flatMap((g) => g.studies));
    copy.clear();
    expect(copy.size).toBe(0);
    expect(copy.search(parseQuery('yamada'))).toEqual([]);
  });
});
