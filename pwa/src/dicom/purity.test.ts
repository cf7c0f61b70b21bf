import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// pwa/src/dicom/ runs in the dicom worker (DESIGN.md §3, §7): no DOM, no
// storage, no Node APIs, only its two libraries and its own files.
const root = new URL('.', import.meta.url).pathname;
const library = readdirSync(root).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts'));

describe('pwa/src/dicom/ is pure and runs in a worker', () => {
  it('has files to check', () => {
    expect(library).toContain('read-dicom-tags.ts');
  });

  it('imports only dicom-parser, dicom-character-set and its own files', () => {
    for (const file of library) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const [, spec] of text.matchAll(/from '([^']+)'/g)) {
        const ok = spec === 'dicom-parser' || spec === 'dicom-character-set' || /^\.\/[a-z0-9_-]+\.ts$/.test(spec!);
        expect(ok, `${file} imports ${spec}`).toBe(true);
      }
    }
  });

  it('touches no DOM, storage or Node globals', () => {
    const forbidden = /\b(window|document|localStorage|sessionStorage|indexedDB|navigator|process|Buffer|require|Blob|FileReader)\b/;
    for (const file of library) {
      const code = readFileSync(join(root, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '') // comments
        .replace(/'[^'\n]*'|`[^`]*`/g, "''"); // string literals
      expect(forbidden.exec(code)?.[0], file).toBeUndefined();
    }
  });
});
