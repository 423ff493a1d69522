// Mutation testing of the ingest service's write path (`npm run mutate`): Stryker changes the
// source one small mutation at a time and runs the ingest tests against each; a mutant no test
// notices is a promise the tests do not hold. Too slow for CI: run it
// before a release of the pipeline code. The JSON report (mutation-testing-report schema) is
// written to reports/mutation/mutation.json, the HTML one beside it.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // The write path: the pipeline, the events, OTLP (traces, metrics, logs and the protobuf
  // reader, one folder per signal) and accept/, which judges every item of every source.
  mutate: ['ingest/src/pipeline/**/*.ts', 'ingest/src/events/**/*.ts', 'ingest/src/otlp/**/*.ts', 'ingest/src/accept/**/*.ts'],
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
  // run for each of them. They are left out of the score.
  ignoreStatic: true,
  // One runner per core: each test file runs its own embedded ClickHouse in a temporary folder.
  concurrency: 2,
  // Past the dry run's time, how long a mutant may run before it counts as a timeout (a hang
  // caught: a mutant that makes a flush wait forever is detected).
  timeoutMS: 10_000,
  // Results are kept in reports/<report>-incremental.json, so a run after a change tests only the
  // mutants whose code or covering tests changed.
  incremental: true,
  incrementalFile: `reports/${process.env.MUTATION_REPORT ?? 'mutation'}-incremental.json`,
  reporters: ['json', 'html', 'clear-text', 'progress'],
  // MUTATION_REPORT names a run scoped with --mutate (its own report, so scoped runs add up).
  jsonReporter: { fileName: `reports/mutation/${process.env.MUTATION_REPORT ?? 'mutation'}.json` },
  htmlReporter: { fileName: `reports/mutation/${process.env.MUTATION_REPORT ?? 'mutation'}.html` },
  // What the sandbox copy of the repository can leave out.
  ignorePatterns: ['.data', 'reports', 'browser/dist', 'grafana/dashboards', 'load', 'provisioning'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
