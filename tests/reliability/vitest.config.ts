import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.config.ts';

// The reliability suite: scenarios run one at a time (each loads the 2-core machine on its own, and
// figures taken beside another scenario would mean little), with room for minutes-long scenarios.
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['scenarios/**/*.test.ts'],
      fileParallelism: false,
      testTimeout: 300_000,
      hookTimeout: 120_000,
    },
  }),
);
