// Faults under load, at a volume CI can afford: while beacons go straight to the ingest service and
// OTLP spans through the Collector, one part is killed or stopped. The client retries what got no
// 2xx (the same bodies, so the same event ids), and afterwards every event acknowledged is stored
// exactly once, and no answer was a 5xx other than 503 with Retry-After.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePorts, NativeStack, type ServiceName } from '@footfall/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figuresLine } from '../src/figures.js';
import { runScenario, type ScenarioFigures } from '../src/run-scenario.js';
import type { Scenario } from '../src/scenario.js';

/** How long the ingest service stays down while the Collector queues (60 s in the issue; CI
 * affords less: FAULT_INGEST_DOWN_S). */
const INGEST_DOWN_S = Number(process.env.FAULT_INGEST_DOWN_S ?? 10);

/** Steady mixed traffic, long enough for a fault in the middle and a recovery after it. */
const underFault = (holdS: number): Scenario => ({
  name: 'fault',
  summary: 'steady traffic while a part of the pipeline fails',
  beaconShare: 0.5,
  eventsPerRequest: 5,
  shape: { kind: 'stages', startRate: 40, stages: [{ rate: 40, durationS: holdS, hold: true }], maxConnections: 40 },
  // Requests fail while a part is down, by design: what must hold is checked below.
  thresholds: { maxFailedRate: 1, p95Ms: 60_000, maxRefusedEvents: 0 },
});

const scratch = mkdtempSync(join(tmpdir(), 'footfall-load-faults-'));
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

function running(name: ServiceName) {
  const service = stack.services().find((candidate) => candidate.name === name && !candidate.exited);
  if (!service) throw new Error(`${name} is not running`);
  return service;
}

/** Runs the load and, `afterMs` into it, the fault; resolves with the reconciled figures. */
async function loadWithFault(holdS: number, afterMs: number, fault: () => Promise<void>): Promise<ScenarioFigures> {
  const run = runScenario(underFault(holdS), { ingest: { url: stack.urls.ingest }, collectorUrl: stack.urls.collectorOtlpHttp });
  await sleep(afterMs);
  await fault();
  const figures = await run;
  // The figures line, for the README's table of faults.
  console.log(figuresLine(figures));
  return figures;
}

function expectReconciled(figures: ScenarioFigures): void {
  expect(figures.failures).toEqual([]);
  expect(figures.unsettled).toBe(0);
  expect(figures.counts.refusedEvents).toBe(0);
  expect(figures.counts.acknowledgedEvents).toBe(figures.counts.sentEvents);
  expect(figures.stored).toBe(figures.counts.acknowledgedEvents);
  // Only 503 or 429 with Retry-After (deferred) may answer an overload or an outage.
  expect(figures.counts.failed).toBe(0);
}

describe('faults under load, reconciled exactly after the client retries', () => {
  it('Collector SIGKILL and restart mid-run: its persistent queue keeps what it acknowledged', { timeout: 300_000 }, async () => {
    const figures = await loadWithFault(15, 5_000, async () => {
      await running('collector').kill();
      await sleep(2_000);
      await stack.start('collector');
    });
    expectReconciled(figures);
    // The kill was felt: OTLP requests went unanswered and were sent again.
    expect(figures.byPath.otlp.lost).toBeGreaterThan(0);
    expect(figures.byPath.otlp.retries).toBeGreaterThan(0);
  });

  it(`ingest service down ${INGEST_DOWN_S} s while the Collector queues`, { timeout: 300_000 }, async () => {
    const figures = await loadWithFault(INGEST_DOWN_S + 10, 3_000, async () => {
      await stack.stop('ingest');
      await sleep(INGEST_DOWN_S * 1000);
      await stack.start('ingest');
    });
    expectReconciled(figures);
    // Beacons had nowhere to go and were retried; the Collector kept acknowledging spans.
    expect(figures.byPath.beacon.retries).toBeGreaterThan(0);
    expect(figures.byPath.otlp.lost).toBe(0);
  });

  it('ingest service SIGKILL mid-run: its write-ahead log keeps what it acknowledged', { timeout: 300_000 }, async () => {
    const figures = await loadWithFault(15, 5_000, async () => {
      await running('ingest').kill();
      await stack.start('ingest');
    });
    expectReconciled(figures);
    expect(figures.byPath.beacon.lost).toBeGreaterThan(0);
  });
});
