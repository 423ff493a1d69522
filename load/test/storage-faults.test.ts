// Faults of the storage under load: the data disk full, and ClickHouse refusing then stalling
// writes, while beacons go straight to the ingest service and OTLP spans through the Collector.
//
// Both are TEST DOUBLES, switched on in the running service through FOOTFALL_TEST_FAULT_FILE
// (ingest/src/testing/injected-faults.ts): a real full disk needs a small filesystem to fill, which
// needs mount rights a test machine does not give, and the embedded engine cannot be made to fail
// from outside. The disk double fails the write-ahead log's writes with ENOSPC and ClickHouse's
// inserts with NOT_ENOUGH_SPACE; the engine double refuses every call as a server that went away,
// then holds every call as a server that hangs. Everything else is real: the service process, its
// log, the embedded ClickHouse, the Collector and its queue, the load generator and its retries.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePorts, ingestMetric, NativeStack } from '@footfall/stack';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_FILE_VARIABLE, FaultSwitch } from '../src/fault-switch.js';
import { ReadinessWatch } from '../src/readiness.js';
import { runScenario } from '../src/run-scenario.js';
import type { Scenario } from '../src/scenario.js';
import { expectReconciled, loadWithFault } from './support/under-fault.js';

/** How long the disk stays full (CI's reduced volume: FAULT_DISK_FULL_S). */
const DISK_FULL_S = Number(process.env.FAULT_DISK_FULL_S ?? 8);
/** How long ClickHouse refuses, then how long it stalls (60 s each in the issue; FAULT_CLICKHOUSE_S). */
const CLICKHOUSE_S = Number(process.env.FAULT_CLICKHOUSE_S ?? 8);
/** Traffic before the fault begins and after it ends. */
const BEFORE_MS = 4_000;
const AFTER_S = 8;
/** The spool is on disk: the service's memory must not grow with what waits in it. */
const RSS_BOUND_BYTES = 1024 * 2 ** 20;

const scratch = mkdtempSync(join(tmpdir(), 'footfall-load-storage-faults-'));
const faults = new FaultSwitch(join(scratch, 'fault'));
let stack: NativeStack;

beforeAll(async () => {
  stack = new NativeStack({
    baseDir: scratch,
    ports: await freePorts(),
    corsOrigins: [],
    ingestEnv: {
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_OTLP_PER_MINUTE: '0',
      BATCH_INTERVAL_MS: '200',
      [FAULT_FILE_VARIABLE]: faults.file,
    },
    collectorEnv: { COLLECTOR_BATCH_TIMEOUT: '200ms' },
  });
  await stack.start('ingest');
  await stack.start('collector');
});

// A test that failed mid-fault leaves none behind for the next.
afterEach(() => faults.clear());

afterAll(async () => {
  await stack?.stopAll();
  rmSync(scratch, { recursive: true, force: true });
});

/** Answers of the ingest service by status class, from its own counters: its 5xx other than 503. */
async function ingestAnswers(route: string, status: string): Promise<number> {
  return ingestMetric(stack.urls.ingest, 'footfall_http_requests_total', { route, status });
}

async function otherServerErrors(): Promise<number> {
  const text = await (await fetch(`${stack.urls.ingest}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('footfall_http_requests_total{') && /status="5\d\d"/.test(line) && !line.includes('status="503"'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('storage faults under load, reconciled exactly after the client retries', () => {
  it(`data disk full for ${DISK_FULL_S} s: 503 with Retry-After while the log cannot be written, each acknowledged event stored once after`, {
    timeout: 180_000,
  }, async () => {
    const beacon503Before = await ingestAnswers('/v1/beacon', '503');
    const traces503Before = await ingestAnswers('/v1/traces', '503');
    const figures = await loadWithFault(stack, DISK_FULL_S + AFTER_S + BEFORE_MS / 1000, BEFORE_MS, async () => {
      await faults.set('disk-full');
      await sleep(DISK_FULL_S * 1000);
      await faults.clear();
    });
    expectReconciled(figures);
    // The full disk was felt on both paths: beacons answered 503 with Retry-After (deferred, and
    // sent again after it), the Collector's requests answered 503 and retried from its queue.
    expect(figures.byPath.beacon.deferred).toBeGreaterThan(0);
    expect(figures.firstDeferral.beacon).toMatch(/^503 .*FOOTFALL_LOG_UNWRITABLE.*ENOSPC/);
    expect(figures.byPath.beacon.retries).toBeGreaterThanOrEqual(figures.byPath.beacon.deferred);
    expect((await ingestAnswers('/v1/beacon', '503')) - beacon503Before).toBe(figures.byPath.beacon.deferred);
    expect((await ingestAnswers('/v1/traces', '503')) - traces503Before).toBeGreaterThan(0);
    // The Collector kept taking spans into its queue: no client of it saw the fault.
    expect(figures.byPath.otlp.deferred + figures.byPath.otlp.failed + figures.byPath.otlp.lost).toBe(0);
    expect(await otherServerErrors()).toBe(0);
    expect(figures.peakRssBytes).toBeGreaterThan(0);
    expect(figures.peakRssBytes).toBeLessThan(RSS_BOUND_BYTES);
    expect((await fetch(`${stack.urls.ingest}/readyz`)).status).toBe(200);
  });

  it(`ClickHouse refusing for ${CLICKHOUSE_S} s, then stalling for ${CLICKHOUSE_S} s: 2xx from the spool, /readyz 503, each acknowledged event stored once after`, {
    timeout: 180_000,
  }, async () => {
    const failuresBefore = await ingestMetric(stack.urls.ingest, 'footfall_write_failures_total', { table: 'events' });
    const readiness = new ReadinessWatch(stack.urls.ingest, 250);
    const phases = { refuses: { from: 0, to: 0 }, stalls: { from: 0, to: 0 } };
    readiness.start();
    const figures = await loadWithFault(stack, 2 * CLICKHOUSE_S + AFTER_S + BEFORE_MS / 1000, BEFORE_MS, async () => {
      phases.refuses.from = Date.now();
      await faults.set('clickhouse-refuses');
      await sleep(CLICKHOUSE_S * 1000);
      phases.refuses.to = phases.stalls.from = Date.now();
      await faults.set('clickhouse-stalls');
      await sleep(CLICKHOUSE_S * 1000);
      phases.stalls.to = Date.now();
      await faults.clear();
    });
    await readiness.stop();
    expectReconciled(figures);
    // The spool had room all along: every request was answered 2xx the first time.
    for (const path of ['beacon', 'otlp'] as const) {
      expect(figures.byPath[path].deferred + figures.byPath[path].failed + figures.byPath[path].lost).toBe(0);
    }
    expect(await otherServerErrors()).toBe(0);
    // Inserts failed while ClickHouse refused, and were retried until it took them.
    expect(await ingestMetric(stack.urls.ingest, 'footfall_write_failures_total', { table: 'events' })).toBeGreaterThan(failuresBefore);
    // Not ready in both phases (a refused ping, then one that takes longer than its limit); ready after.
    const settle = 500;
    expect(readiness.between(phases.refuses.from + settle, phases.refuses.to)).toContain(503);
    expect(readiness.between(phases.stalls.from + settle, phases.stalls.to)).toContain(503);
    expect(readiness.between(0, phases.refuses.from)).not.toContain(503);
    expect((await fetch(`${stack.urls.ingest}/readyz`)).status).toBe(200);
    expect(figures.peakRssBytes).toBeGreaterThan(0);
    expect(figures.peakRssBytes).toBeLessThan(RSS_BOUND_BYTES);
    console.log(
      `readiness: ${readiness.samples.filter((sample) => sample.status === 503).length} of ${readiness.samples.length} /readyz answers were 503`,
    );
  });

  it('an unpaced volume sends exactly the distinct events it asks for, however many attempts were retries', {
    timeout: 180_000,
  }, async () => {
    // Beacons on one connection, one request at a time: the run lasts several seconds, so the
    // requests answered 503 while the disk is full come due again (Retry-After) while it goes on.
    const volume: Scenario = {
      name: 'volume-under-fault',
      summary: 'a fixed number of events as fast as answers come, while the disk is full for a second',
      beaconShare: 1,
      eventsPerRequest: 10,
      shape: { kind: 'volume', events: 20_000, connections: 1 },
      thresholds: { maxFailedRate: 1, p95Ms: 60_000, maxRefusedEvents: 0 },
    };
    const run = runScenario(volume, { ingest: { url: stack.urls.ingest }, collectorUrl: stack.urls.collectorOtlpHttp });
    await sleep(300);
    await faults.set('disk-full');
    await sleep(1_000);
    await faults.clear();
    const figures = await run;
    expectReconciled(figures);
    // Retries took requests from autocannon's count; the runner sends the rest, so no event is
    // missing from the volume asked for.
    expect(figures.byPath.beacon.retries).toBeGreaterThan(0);
    expect(figures.counts.sentEvents).toBe(20_000);
  });
});
