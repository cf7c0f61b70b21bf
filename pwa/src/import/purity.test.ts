import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The worker half runs in the vault worker (DESIGN.md §7): Blob, File and
// DecompressionStream only, no DOM, storage or Node APIs, and nothing from
// the UI half.
const root = new URL('.', import.meta.url).pathname;
const WORKER_FILES = ['read-import-sources.ts', 'resolve-dicom-dir.ts', 'sniff-file-kind.ts', '_zip-reader.ts', '_crc32.ts', '_import-paths.ts'];
const ALLOWED_IMPORTS = /^(\.\/(_zip-reader|_crc32|_import-paths)\.ts|\.\.\/vault\/vault-api\.ts|\.\.\/dicom\/index\.ts)$/;

describe('the worker half of pwa/src/import/', () => {
  it('imports only its own worker files and the contracts', () => {
    for (const file of WORKER_FILES) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const [, spec] of text.matchAll(/from '([^']+)'/g)) expect(ALLOWED_IMPORTS.test(spec!), `${file} imports ${spec}`).toBe(true);
    }
  });

  it('touches no DOM, storage or Node globals', () => {
    const forbidden = /\b(window|document|localStorage|sessionStorage|indexedDB|navigator|process|Buffer|require|FileReader|DataTransfer)\b/;
    for (const file of WORKER_FILES) {
      const code = readFileSync(join(root, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
        .replace(/'[^'\n]*'|`[^`]*`/g, "''");
      expect(forbidden.exec(code)?.[0], file).toBeUndefined();
    }
  });
});
