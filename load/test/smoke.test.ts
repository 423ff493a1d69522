// The smoke scenario through autocannon against our own ingest service and Collector: its
// thresholds hold, and every event acknowledged is stored in ClickHouse exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, NativeStack } from '@footfall/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../src/run-scenario.js';
import { SCENARIOS } from '../src/scenarios.js';

const scratch = mkdtempSync(join(tmpdir(), 'footfall-load-test-'));
let stack: NativeStack;

beforeAll(async () => {
  stack = new NativeStack({
    baseDir: scratch,
    ports: await freePorts(),
    corsOrigins: [],
    ingestEnv: { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_OTLP_PER_MINUTE: '0', BATCH_INTERVAL_MS: '200' },
    collectorEnv: { COLLECTOR_BATCH_TIMEOUT: '200ms' },
  });
  await stack.start('ingest');
  await stack.start('collector');
});

afterAll(async () => {
  await stack?.stopAll();
  rmSync(scratch, { recursive: true, force: true });
});

describe('smoke scenario', () => {
  it('passes its thresholds and reconciles exactly with what ClickHouse stored', { timeout: 180_000 }, async () => {
    const figures = await runScenario(SCENARIOS.smoke, { ingest: { url: stack.urls.ingest }, collectorUrl: stack.urls.collectorOtlpHttp });
    expect(figures.failures).toEqual([]);
    // 20 requests of 5 events, half beacons straight in, half OTLP through the Collector.
    expect(figures.byPath.beacon.ok).toBe(10);
    expect(figures.byPath.otlp.ok).toBe(10);
    expect(figures.counts.attempts).toBe(20);
    expect(figures.counts.sentEvents).toBe(100);
    expect(figures.counts.acknowledgedEvents).toBe(100);
    expect(figures.counts.refusedEvents).toBe(0);
    expect(figures.stored).toBe(100);
    expect(figures.p95Ms).toBeLessThanOrEqual(SCENARIOS.smoke.thresholds.p95Ms);
    expect(figures.peakRssBytes).toBeGreaterThan(0);
  });
});
