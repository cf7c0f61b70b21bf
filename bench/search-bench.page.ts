// Entry of the browser bundle for search-bench.ts.
import type { Figure } from './crypto-bench.ts';
import { benchSearch } from './search-bench.ts';

const w = globalThis as unknown as { benchReport(f: Figure): Promise<void>; benchDone(error?: string): Promise<void> };
benchSearch((f) => void w.benchReport(f)).then(
  () => w.benchDone(),
  (e: unknown) => w.benchDone(String(e)),
);
