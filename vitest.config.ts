import { defineConfig } from 'vitest/config';

// One test run for every package. Files run in separate processes (chdb, Chromium and the
// Collector are native and stateful), two at a time to fit the 2-core machines.
export default defineConfig({
  test: {
    include: ['*/test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
