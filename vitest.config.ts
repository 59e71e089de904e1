import { defineConfig } from 'vitest/config';

// Resolve workspace packages to their TypeScript sources (never a stale dist/), and leave a JSON
// report that scripts/test.mjs sums into the suite's closing line.
const conditions = ['@dispatch/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    // Tests that run real processes wait for conditions, never for fixed times; on a loaded 2-core
    // machine a condition can take seconds, so give them room (timing is measured by benchmarks).
    testTimeout: 30_000,
  },
});
