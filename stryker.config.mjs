// Mutation testing of the ingest service's write path (`npm run mutate`): Stryker changes the
// source one small mutation at a time and runs the ingest tests against each; a mutant no test
// notices is a promise the tests do not hold. Too slow for CI: run it
// before a release of the pipeline code. The JSON report (mutation-testing-report schema) is
// written to reports/mutation/mutation.json, the HTML one beside it.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['ingest/src/pipeline/**/*.ts', 'ingest/src/events/**/*.ts', 'ingest/src/otlp/**/*.ts'],
  testRunner: 'vitest',
  // Forks: the embedded ClickHouse is a native library that crashes when loaded again in a worker thread.
  vitest: { configFile: 'vitest.mutation.config.ts', pool: 'forks' },
  // No TypeScript checker: @stryker-mutator/typescript-checker drives the compiler through its
  // JavaScript API, which TypeScript 7 (the native compiler this repository uses) no longer has.
  // A mutant that would not type-check is run all the same (vitest strips types) and counted.
  // For the same reason no tsconfig is rewritten for the sandbox (an empty name skips it): the
  // sandbox keeps the tree's layout, so the relative `extends` still hold.
  tsconfigFile: '',
  coverageAnalysis: 'perTest',
  // Mutants of module-level code (constants, schemas) run at import, so every test would have to
  // run for each of them: 58 % of the mutants, 97 % of the time. They are left out of the score.
  ignoreStatic: true,
  // One mutant at a time: the tests run the embedded ClickHouse and child processes of their own.
  concurrency: 1,
  timeoutMS: 30_000,
  reporters: ['json', 'html', 'clear-text', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  // What the sandbox copy of the repository can leave out.
  ignorePatterns: ['.data', 'reports', 'browser/dist', 'grafana/dashboards', 'load', 'provisioning'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
