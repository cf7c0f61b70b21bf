// npm run bench [-- name…]: prints figures as Markdown tables, one column per
// runtime. Figures go to bench/RESULTS.md by hand, with the machine they ran on.
import { cpus, totalmem } from 'node:os';
import { benchApp } from './app-bench.ts';
import { benchCrypto, type Figure } from './crypto-bench.ts';
import { runInChromium } from './browser.ts';
import { benchSearch } from './search-bench.ts';
import { benchServer } from './server-bench.ts';
import { benchViewer } from './viewer-bench.ts';

interface Suite {
  readonly name: string;
  readonly node?: (report: (f: Figure) => void) => Promise<void>;
  readonly browserEntry?: string;
  /** Figures measured in Chromium by a driver in Node (pages that need servers and data prepared in Node). */
  readonly chromium?: (report: (f: Figure) => void) => Promise<void>;
}

const SUITES: Suite[] = [
  { name: 'crypto', node: (r) => benchCrypto(r), browserEntry: new URL('./crypto-bench.page.ts', import.meta.url).pathname },
  { name: 'server', node: (r) => benchServer(r) },
  { name: 'search', node: (r) => benchSearch(r), browserEntry: new URL('./search-bench.page.ts', import.meta.url).pathname },
  { name: 'app', chromium: (r) => benchApp(r) },
  { name: 'viewer', chromium: (r) => benchViewer(r) },
];

const wanted = process.argv.slice(2);
const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`# Kura bench — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);

for (const suite of SUITES.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
  const rows = new Map<string, { unit: string; node?: number; chromium?: number }>();
  const add = (where: 'node' | 'chromium') => (f: Figure) => {
    const row = rows.get(f.name) ?? { unit: f.unit };
    row[where] = f.value;
    rows.set(f.name, row);
    console.error(`  ${where.padEnd(8)} ${f.name}: ${f.value.toFixed(1)} ${f.unit}`);
  };
  if (suite.node) await suite.node(add('node'));
  if (suite.browserEntry) await runInChromium(suite.browserEntry, add('chromium'));
  if (suite.chromium) await suite.chromium(add('chromium'));
  const fmt = (v?: number) => (v === undefined ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
  console.log(`## ${suite.name}\n\n| figure | unit | Node | Chromium |\n|---|---|---:|---:|`);
  for (const [name, r] of rows) console.log(`| ${name} | ${r.unit} | ${fmt(r.node)} | ${fmt(r.chromium)} |`);
  console.log('');
}
