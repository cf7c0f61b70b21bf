import { defineConfig } from 'vitest/config';

// Separate from vite.config.ts, whose root is pwa/: unit tests live in every
// folder of the repository.
export default defineConfig({
  test: {
    include: [
      'crypto/**/*.test.ts',
      'protocol/**/*.test.ts',
      'sync-server/**/*.test.ts',
      'pwa/**/*.test.ts',
    ],
    exclude: ['e2e/**', 'node_modules/**', 'dist/**'],
    environment: 'node',
    // An empty run means a broken include pattern, not success.
    passWithNoTests: false,
  },
});
