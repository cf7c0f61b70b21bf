// Writes the frozen vector files. Run once per new format version
// (`npx tsx crypto/vectors/generate.ts`); an existing file is never
// overwritten, because changing a frozen vector means breaking old data.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemRandom } from '../random.ts';
import { VECTOR_FORMATS } from './cases.ts';
import { recordingRandom } from './replay-random.ts';

const dir = new URL('.', import.meta.url).pathname;
for (const format of VECTOR_FORMATS) {
  const path = join(dir, format.file);
  if (existsSync(path)) {
    console.log(`kept    ${format.file}`);
    continue;
  }
  const cases = [];
  for (const input of format.inputs()) {
    const rng = recordingRandom(systemRandom);
    const output = await format.compute(input as never, rng);
    cases.push({ input, drawn: rng.drawn, output });
  }
  writeFileSync(path, JSON.stringify({ format: format.file.replace('.json', ''), cases }, null, 2) + '\n');
  console.log(`written ${format.file}`);
}
