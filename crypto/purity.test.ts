import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// crypto/ must run unchanged in a browser, a worker and Node: no DOM, no
// storage, no Node APIs, nothing of the project outside crypto/.
const root = new URL('.', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

// The vector generator is a development tool that writes files; it is not part of the library.
const library = sources(root).filter((p) => !p.endsWith(join('vectors', 'generate.ts')));

describe('crypto/ is pure and isomorphic', () => {
  it('imports only noble, hash-wasm and its own files', () => {
    for (const file of library) {
      const text = readFileSync(file, 'utf8');
      for (const [, spec] of text.matchAll(/from '([^']+)'/g)) {
        const ok = /^@noble\/(ciphers|hashes|curves)\/[a-z0-9_.]+\.js$/.test(spec!) || spec === 'hash-wasm' ||
          (spec!.startsWith('.') && !relative(root, join(file, '..', spec!)).startsWith('..'));
        expect(ok, `${relative(root, file)} imports ${spec}`).toBe(true);
      }
    }
  });

  it('touches no DOM, storage or Node globals', () => {
    const forbidden = /\b(window|document|localStorage|sessionStorage|indexedDB|navigator|process|Buffer|require)\b/;
    for (const file of library) {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '') // comments
        .replace(/'[^'\n]*'|`[^`]*`/g, "''"); // string literals
      expect(forbidden.exec(code)?.[0], relative(root, file)).toBeUndefined();
    }
  });
});
