import { describe, expect, it } from 'vitest';
import { normaliseText } from './normalise-text.ts';
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

describe('SearchIndex layout', () => {
  // A second, naive reading of the same rules: every study tested field by field.
  const modalities = ['CT', 'MR', 'US', 'CR'];
  const names = ['Yamada^Taro=山田^太郎=やまだ^たろう', 'Muñoz^José', 'Smith^Anna', 'Tanaka^Yuki=田中^由紀=たなか^ゆき'];
  const many: StudyEntry[] = [];
  for (let i = 0; i < 400; i++) {
    const [a = '', b = '', c = ''] = names[i % names.length]!.split('=');
    many.push(
      study({
        studyId: `m${i}`,
        patientKey: `pk${i % 37}`,
        patientNumber: `P${String(i % 37).padStart(4, '0')}`,
        patientName: { alphabetic: a, ideographic: b, phonetic: c },
        studyDate: i % 11 === 0 ? '' : `20${String(10 + (i % 13)).padStart(2, '0')}0${1 + (i % 9)}15`,
        modalities: [modalities[i % 4]!],
        description: i % 3 ? 'Head routine' : 'Knee MRI',
      }),
    );
  }
  const big = new SearchIndex(many);

  function naive(q: ReturnType<typeof parseQuery>): string[] {
    return many
      .filter((e) => {
        if ((q.dateFrom || q.dateTo) && e.studyDate === '') return false;
        if (q.dateFrom && e.studyDate < q.dateFrom) return false;
        if (q.dateTo && e.studyDate > q.dateTo) return false;
        if (q.modalities && !q.modalities.some((m) => e.modalities.includes(m))) return false;
        if (q.patientNumber && !(q.patientNumber.prefix ? e.patientNumber.startsWith(q.patientNumber.value) : e.patientNumber === q.patientNumber.value)) return false;
        const name = normaliseText(`${e.patientName.alphabetic} ${e.patientName.ideographic} ${e.patientName.phonetic}`);
        if (!q.nameTerms.every((t) => name.includes(t))) return false;
        const text = [name, e.patientNumber.toLowerCase(), normaliseText(e.description), e.modalities[0]!.toLowerCase()].join('\u0001');
        return q.terms.every((t) => text.includes(t));
      })
      .map((e) => e.studyId)
      .sort();
  }

  it.each(['', 'date:2012..2015', 'date:2014-03..2020 mod:CT', 'date:..2013', 'date:2019..', 'pn:P001*', 'pn:P0003', 'name:やまだ', 'タナカ ct', 'knee date:2011..2021 mod:MR', 'munoz', 'p002', 'date:2012-02-15..2014-03-15', 'date:2013-04-15', 'head 2015'])(
    'matches the naive reading for %j',
    (text) => {
      const q = parseQuery(text);
      const { groups, studyCount } = big.find(q);
      const got = groups.flatMap((g) => g.studies.map((s) => s.studyId)).sort();
      expect(got).toEqual(naive(q));
      expect(studyCount).toBe(got.length);
    },
  );

  it('counts every match while making only the groups it will show', () => {
    const all = big.find(parseQuery(''));
    const first = big.find(parseQuery(''), { limit: 3 });
    expect(first.groups).toHaveLength(3);
    expect(first.studyCount).toBe(all.studyCount);
    expect(first.groups).toEqual(all.groups.slice(0, 3));
  });
});
