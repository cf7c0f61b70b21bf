import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VECTOR_FORMATS } from './vectors/cases.ts';
import { replayRandom } from './vectors/replay-random.ts';

// Every byte format is frozen: these files were written once, when the
// format version was made, and today's code must reproduce them exactly.
describe('frozen vectors', () => {
  for (const format of VECTOR_FORMATS) {
    it(format.file, async () => {
      const file = JSON.parse(readFileSync(new URL(`./vectors/${format.file}`, import.meta.url), 'utf8')) as {
        cases: { input: never; drawn: string[]; output: unknown }[];
      };
      expect(file.cases.length).toBeGreaterThan(0);
      for (const c of file.cases) {
        expect(await format.compute(c.input, replayRandom(c.drawn))).toEqual(c.output);
      }
    }, 30_000);
  }
});
