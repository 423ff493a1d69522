// What every fault test shares: steady mixed traffic long enough for a fault in the middle and a
// recovery after it, the run with its fault, and the exact reconciliation afterwards.
import { setTimeout as sleep } from 'node:timers/promises';
import type { NativeStack } from '@footfall/stack';
import { expect } from 'vitest';
import { figuresLine } from '../../src/figures.js';
import { runScenario, type ScenarioFigures } from '../../src/run-scenario.js';
import type { Scenario } from '../../src/scenario.js';

/** 40 requests/s of 5 events, half beacons straight in, half OTLP spans through the Collector. */
export const underFault = (holdS: number): Scenario => ({
  name: 'fault',
  summary: 'steady traffic while a part of the pipeline fails',
  beaconShare: 0.5,
  eventsPerRequest: 5,
  shape: { kind: 'stages', startRate: 40, stages: [{ rate: 40, durationS: holdS, hold: true }], maxConnections: 40 },
  // Requests fail while a part is down, by design: what must hold is checked by expectReconciled.
  thresholds: { maxFailedRate: 1, p95Ms: 60_000, maxRefusedEvents: 0 },
});

/** Runs the load for `holdS` and, `afterMs` into it, the fault; resolves with the reconciled figures. */
export async function loadWithFault(
  stack: NativeStack,
  holdS: number,
  afterMs: number,
  fault: () => Promise<void>,
): Promise<ScenarioFigures> {
  const run = runScenario(underFault(holdS), { ingest: { url: stack.urls.ingest }, collectorUrl: stack.urls.collectorOtlpHttp });
  await sleep(afterMs);
  await fault();
  const figures = await run;
  // The figures line, for the table of faults in docs/load.md.
  console.log(figuresLine(figures));
  return figures;
}

export function expectReconciled(figures: ScenarioFigures): void {
  expect(figures.failures).toEqual([]);
  expect(figures.unsettled).toBe(0);
  expect(figures.counts.refusedEvents).toBe(0);
  expect(figures.counts.acknowledgedEvents).toBe(figures.counts.sentEvents);
  expect(figures.stored).toBe(figures.counts.acknowledgedEvents);
  // Only 503 or 429 with Retry-After (deferred) may answer an overload or an outage; one without
  // Retry-After counts as failed.
  expect(figures.counts.failed, `failed answers by kind: ${JSON.stringify(figures.failureKinds)}`).toBe(0);
}
