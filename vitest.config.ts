import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // In tests the package's own name means its sources; the built files are tested from real Node processes.
  resolve: {
    alias: [
      { find: /^rx-lro$/, replacement: src('index.ts') },
      { find: /^rx-lro\/testing$/, replacement: src('testing/index.ts') },
      { find: /^rx-lro\/registry$/, replacement: src('registry/index.ts') },
      { find: /^rx-lro\/node$/, replacement: src('node/index.ts') },
      { find: /^rx-lro\/limiter$/, replacement: src('limiter/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
