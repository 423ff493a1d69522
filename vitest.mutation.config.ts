// The test run Stryker repeats for every mutant of the ingest service (stryker.config.mjs):
// only the ingest service's tests, one file at a time, since the machine is shared.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['ingest/test/**/*.test.ts'],
    // The fuzz test draws random inputs: a mutant's fate would depend on the draw.
    exclude: ['ingest/test/fuzz.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
