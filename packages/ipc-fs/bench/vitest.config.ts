import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Benchmarks run as vitest tests that print their figures (Node 20 cannot run TypeScript
// itself, and the figures are latencies, not the ops/s that `vitest bench` measures). Same
// source-resolving conditions as the root config, so a bench never measures a stale dist/.
const conditions = ['@dispatch/source', 'module', 'node', 'development|production'];

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['bench/**/*.bench.ts'],
    reporters: ['default'],
    disableConsoleIntercept: true,
    testTimeout: 120_000,
  },
});
