// Search latency over 100,000 synthetic studies (issue: the app). Runs in
// Node and, unchanged, in Chromium, where the vault worker searches.
import { parseQuery, SearchIndex } from '../pwa/src/vault/search/index.ts';
import type { Figure } from './crypto-bench.ts';
import { syntheticStudies } from './synthetic-studies.ts';

const STUDIES = 100_000;
const ROUNDS = 60;

/** Queries a clinic types: each list cycles so no single warm string is timed. */
const QUERIES: Record<string, string[]> = {
  'name substring': ['yamad', 'tanak', '山田', 'たなか', 'müll', 'hanako', 'garc', 'ロッシ', 'ito ha', 'chloe'],
  'patient-number prefix': ['pn:10012*', 'pn:1003*', 'pn:10245*', 'pn:1000*', 'pn:1019*'],
  'date range + modality': ['date:2015..2016 mod:CT', 'date:2020-01..2020-06 mod:MR', 'date:2010-03..2012 mod:US', 'date:2024 mod:CR'],
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchSearch(report: (f: Figure) => void): Promise<void> {
  const studies = syntheticStudies(STUDIES);
  const t0 = performance.now();
  const index = new SearchIndex(studies);
  // The first search sorts newest first; unlock pays for it, not a search.
  index.search(parseQuery(''), { limit: 1 });
  report({ name: `index build, ${STUDIES / 1000}k studies`, value: performance.now() - t0, unit: 'ms' });
  for (const [name, list] of Object.entries(QUERIES)) {
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const text = list[i % list.length]!;
      const s = performance.now();
      // Parse + match + group, with the list's page limit, as the worker answers the search box.
      index.search(parseQuery(text), { limit: 200 });
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    report({ name: `search p50: ${name}`, value: percentile(times, 50), unit: 'ms' });
    report({ name: `search p95: ${name}`, value: percentile(times, 95), unit: 'ms' });
  }
}
