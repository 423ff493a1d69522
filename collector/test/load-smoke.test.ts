// The k6 smoke scenario against our own ingest service and Collector: k6's thresholds hold, and
// every event k6 saw accepted is stored in ClickHouse exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../load/run.js';
import { freePorts, NativeStack } from '@footfall/stack';

const scratch = mkdtempSync(join(tmpdir(), 'footfall-load-test-'));
let stack: NativeStack;

beforeAll(async () => {
  stack = new NativeStack({
    baseDir: scratch,
    ports: await freePorts(),
    corsOrigins: [],
    ingestEnv: { RATE_LIMIT_PER_MINUTE: '0', BATCH_INTERVAL_MS: '200' },
    collectorEnv: { COLLECTOR_BATCH_TIMEOUT: '200ms' },
  });
  await stack.start('ingest');
  await stack.start('collector');
});

afterAll(async () => {
  await stack?.stopAll();
  rmSync(scratch, { recursive: true, force: true });
});

describe('k6 smoke scenario', () => {
  it('passes its thresholds and reconciles with what ClickHouse stored', { timeout: 180_000 }, async () => {
    const result = await runLoad({
      scenario: 'smoke',
      ingestUrl: stack.urls.ingest,
      collectorUrl: stack.urls.collectorOtlpHttp,
      env: { ITERATIONS: '20' },
      k6Output: 'pipe',
    });
    expect(result.k6ExitCode, result.k6Output).toBe(0);
    // 20 requests of 5 events, half beacons, half OTLP.
    expect(result.accepted).toBe(100);
    expect(result.stored).toBe(result.accepted);
  });
});
