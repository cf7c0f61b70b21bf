// Entry of the browser bundle for crypto-bench.ts.
import { benchCrypto, type Figure } from './crypto-bench.ts';

const w = globalThis as unknown as { benchReport(f: Figure): Promise<void>; benchDone(error?: string): Promise<void> };
benchCrypto((f) => void w.benchReport(f)).then(
  () => w.benchDone(),
  (e: unknown) => w.benchDone(String(e)),
);
