// The test run Stryker repeats for every mutant (stryker.config.mjs): the ingest service's tests
// of the write path, the code it mutates, one file at a time per runner.
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

// The tests of what the write path promises: what is stored, once, and what is refused.
// Left out: the read side's tests (stats, rollups, read API, retention, schema, catalog
// loading), which reach this code only to seed their data and would be run again for nearly
// every mutant; the fuzz test, whose random draw would decide a mutant's fate; and the tests
// that run the service in a child process or Chromium (durability, start-any-demo-port,
// overview-page, self-telemetry), since a child runs the unmutated code: Stryker switches
// mutants on in the test's own process only.
const include = [
  // Unit tests of single modules of the write path: fast, and they reach branches no
  // request can.
  'ingest/test/well-formed.test.ts',
  'ingest/test/recent-ids.test.ts',
  'ingest/test/wal.test.ts',
  'ingest/test/split-insert.test.ts',
  'ingest/test/protobuf-traces-decoder.test.ts',
  'ingest/test/protobuf-traces-wire.test.ts',
  'ingest/test/otlp-json-decode.test.ts',
  'ingest/test/otlp-json-limits.test.ts',
  'ingest/test/otlp-rows.test.ts',
  'ingest/test/otlp-logs-units.test.ts',
  'ingest/test/log-rows-events.test.ts',
  'ingest/test/decode-logs-integers.test.ts',
  'ingest/test/otlp-privacy.test.ts',
  'ingest/test/names-privacy.test.ts',
  'ingest/test/otlp-campaign.test.ts',
  'ingest/test/protobuf-limits.test.ts',
  'ingest/test/events.test.ts',
  'ingest/test/link-events.test.ts',
  'ingest/test/campaign-from-search.test.ts',
  'ingest/test/reserved-props.test.ts',
  'ingest/test/page-origin.test.ts',
  'ingest/test/otlp-sites.test.ts',
  'ingest/test/count-data-points.test.ts',
  'ingest/test/judge-events.test.ts',
  'ingest/test/refusals.test.ts',
  'ingest/test/refusal-hints-units.test.ts',
  // Tests through the whole service (buildApp, inject, the embedded engine); the counts of
  // accept/ first, as they are quick and reach every OTLP signal and the store of events.
  'ingest/test/otlp-accept-counts.test.ts',
  'ingest/test/store-events.test.ts',
  'ingest/test/otlp-sessions.test.ts',
  'ingest/test/beacon.test.ts',
  'ingest/test/otlp.test.ts',
  'ingest/test/otlp-logs.test.ts',
  'ingest/test/log-id-stable.test.ts',
  'ingest/test/otlp-privacy-stored.test.ts',
  'ingest/test/interop.test.ts',
  'ingest/test/duplicates.test.ts',
  'ingest/test/poisoned-batch.test.ts',
  'ingest/test/batch-split.test.ts',
  'ingest/test/limits.test.ts',
  'ingest/test/capture.test.ts',
  'ingest/test/catalog-origins.test.ts',
  'ingest/test/accepted-counter.test.ts',
  'ingest/test/refusal-hints.test.ts',
];

// MUTATION_TESTS narrows a scoped run to the files of `include` that reach its code (names
// separated by commas, `beacon.test.ts`): a surviving mutant then runs only those, not every
// end-to-end file that passes through it on the way to something else.
const wanted = process.env.MUTATION_TESTS?.split(',')
  .map((name) => name.trim())
  .filter((name) => name !== '');
const unknown = wanted?.filter((name) => !include.some((file) => file.endsWith(`/${name}`)));
if (unknown !== undefined && unknown.length > 0) throw new Error(`MUTATION_TESTS names files the run does not have: ${unknown.join(', ')}`);
const selected = wanted === undefined ? include : include.filter((file) => wanted.some((name) => file.endsWith(`/${name}`)));

/** Runs the files in the order of `include`. */
class IncludeOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => selected.findIndex((name) => file.moduleId.endsWith(name));
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: selected,
    // Files in the order listed, unit tests first. Stryker's runner stops a mutant's run at the
    // first failing test, and most mutants a unit test kills in milliseconds; vitest's own order
    // (the slowest files first) would run seconds of end-to-end tests before reaching it.
    sequence: { sequencer: IncludeOrder },
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
