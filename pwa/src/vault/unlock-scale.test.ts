// Prints how long unlock's own work (decrypt the index pages, parse, build
// the search index) takes for many studies. A figure, not a timed assertion:
// run with KURA_VAULT_SCALE=100000 npx vitest run pwa/src/vault/unlock-scale.test.ts
import { describe, expect, it } from 'vitest';
import { generateDocumentKey, systemRandom } from '../../../crypto/index.ts';
import { openIndexPageEntries, sealIndexPage, type StudyItem } from './_local-index.ts';
import { SearchIndex, parseQuery } from './search/index.ts';

const count = Number(process.env.KURA_VAULT_SCALE ?? 2000);

function item(i: number): StudyItem {
  return {
    entry: {
      studyId: `st_${i.toString(36).padStart(22, '0')}`,
      patientKey: `pk${(i % 40000).toString(36).padStart(20, '0')}`,
      patientNumber: `P${i % 40000}`,
      patientName: { alphabetic: `Yamada^Taro${i % 977}`, ideographic: '山田^太郎', phonetic: 'やまだ^たろう' },
      patientSex: i % 2 ? 'M' : 'F',
      patientBirthDate: '19700101',
      studyDate: `20${10 + (i % 15)}0${1 + (i % 9)}1${i % 10}`,
      modalities: ['CT'],
      bodyPart: 'CHEST',
      description: `CT chest with contrast ${i % 50}`,
      facility: 'General Hospital',
      accessionNumber: `ACC${i}`,
      documentNumbers: [],
      reportText: i % 5 === 0 ? 'No acute findings. Small nodule in the right upper lobe, follow-up advised.' : '',
    },
    studyInstanceUid: `1.2.826.0.1.3680043.8.498.${i}`,
    keyId: 'k_aaaaaaaaaaaaaaaaaaaaaa',
    wrappedKey: 'A'.repeat(98),
    logPages: [1 + Math.floor(i / 200)],
  };
}

describe('unlock at scale', () => {
  it(`decrypts, parses and indexes ${count} studies`, async () => {
    const key = generateDocumentKey();
    const studies = Array.from({ length: count }, (_, i) => item(i));
    const row = { ...(await sealIndexPage(key, { studies, patients: [] }, [], Date.now(), systemRandom)), pageId: 1 };
    const t0 = performance.now();
    const body = await openIndexPageEntries(key, row);
    const t1 = performance.now();
    const index = new SearchIndex(body.studies.map((s) => s.entry));
    const t2 = performance.now();
    const hits = index.search(parseQuery('yamada ct'));
    const t3 = performance.now();
    expect(index.size).toBe(count);
    expect(hits.length).toBeGreaterThan(0);
    console.log(
      `unlock of ${count} studies: page ${(row.bytes / 1e6).toFixed(1)} MB; decrypt+parse ${(t1 - t0).toFixed(0)} ms, index ${(t2 - t1).toFixed(0)} ms, ` +
        `total ${(t2 - t0).toFixed(0)} ms; first search ${(t3 - t2).toFixed(0)} ms`,
    );
  }, 120_000);
});
