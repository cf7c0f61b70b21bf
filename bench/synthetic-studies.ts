// Synthetic study entries for the app figures: seeded, so every run searches
// the same 100,000 studies. Mixes Latin and Japanese names (all three PN
// groups), ~4 studies per patient, dates over 20 years, the usual modalities.
import type { StudyEntry } from '../pwa/src/vault/search/index.ts';

const FAMILY = [
  ['Yamada', '山田', 'やまだ'], ['Tanaka', '田中', 'たなか'], ['Suzuki', '鈴木', 'すずき'], ['Sato', '佐藤', 'さとう'],
  ['Takahashi', '高橋', 'たかはし'], ['Watanabe', '渡辺', 'わたなべ'], ['Ito', '伊藤', 'いとう'], ['Nakamura', '中村', 'なかむら'],
  ['Müller', '', ''], ['Dupont', '', ''], ['García', '', ''], ['Smith', '', ''], ['Kowalski', '', ''], ['Rossi', '', ''],
  ['Ivanova', '', ''], ['Papadopoulos', '', ''],
] as const;
const GIVEN = [
  ['Taro', '太郎', 'たろう'], ['Hanako', '花子', 'はなこ'], ['Ichiro', '一郎', 'いちろう'], ['Yuki', '由紀', 'ゆき'],
  ['Anna', '', ''], ['José', '', ''], ['Chloé', '', ''], ['John', '', ''], ['Maria', '', ''], ['Lukas', '', ''],
] as const;
const MODALITIES = ['CT', 'MR', 'CR', 'DX', 'US', 'XA', 'MG', 'PT', 'NM', 'XC', 'DOC'];
const BODY = ['HEAD', 'CHEST', 'ABDOMEN', 'PELVIS', 'KNEE', 'SPINE', 'HAND', 'BREAST', 'HEART', ''];
const DESCRIPTION = [
  'Head routine', 'Chest PA and lateral', 'Abdomen with contrast', 'Knee MRI left', 'Lumbar spine',
  '頭部単純CT', '胸部X線', '腹部超音波', 'Follow-up after surgery', 'Screening',
];

/** A small deterministic PRNG (mulberry32): the same studies every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticStudies(count: number, seed = 42): StudyEntry[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const patients = Math.max(1, Math.floor(count / 4));
  const studies: StudyEntry[] = [];
  for (let i = 0; i < count; i++) {
    const p = Math.floor(r() * patients);
    const pr = prng(p + 1);
    const family = FAMILY[Math.floor(pr() * FAMILY.length)]!;
    const given = GIVEN[Math.floor(pr() * GIVEN.length)]!;
    const japanese = family[1] !== '' && given[1] !== '';
    const sex = pr() < 0.5 ? 'F' : 'M';
    const born = `${1930 + Math.floor(pr() * 90)}${pad(1 + Math.floor(pr() * 12), 2)}${pad(1 + Math.floor(pr() * 28), 2)}`;
    const modality = pick(MODALITIES);
    studies.push({
      studyId: `study-${pad(i, 6)}`,
      patientKey: `pk${pad(p, 20)}`,
      patientNumber: `${pad(100000 + p, 7)}`,
      patientName: {
        alphabetic: `${family[0]}^${given[0]}`,
        ideographic: japanese ? `${family[1]}^${given[1]}` : '',
        phonetic: japanese ? `${family[2]}^${given[2]}` : '',
      },
      patientSex: sex,
      patientBirthDate: born,
      studyDate: `${2006 + Math.floor(r() * 20)}${pad(1 + Math.floor(r() * 12), 2)}${pad(1 + Math.floor(r() * 28), 2)}`,
      modalities: modality === 'PT' ? ['PT', 'CT'] : [modality],
      bodyPart: pick(BODY),
      description: pick(DESCRIPTION),
      facility: pick(['Kura Clinic', 'City Hospital', '中央病院']),
      accessionNumber: `A${pad(i, 8)}`,
      documentNumbers: r() < 0.1 ? [`D-${pad(i, 6)}`] : [],
      reportText: r() < 0.3 ? 'No acute findings. Mild degenerative change.' : '',
    });
  }
  return studies;
}
