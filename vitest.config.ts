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
    // expect.poll waits for what a page or a service does next: on a busy 2-core machine that can
    // take more than its default second.
    expect: { poll: { timeout: 10_000 } },
  },
});
