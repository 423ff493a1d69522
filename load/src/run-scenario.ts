// Runs one scenario against an ingest service and a Collector, then reconciles: the client retries
// until every request is settled, and ClickHouse must gain exactly the events that were
// acknowledged. Returns the figures and the list of thresholds that failed (empty: it passed).
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@footfall/stack';
import { runBreakpoint, type BreakpointFigures } from './breakpoint.js';
import { addCounts, Delivery, failedRate, subtractCounts, type DeliveryCounts } from './delivery.js';
import { drain } from './drain.js';
import { REQUEST_TIMEOUT_S, runStep } from './drive.js';
import { IngestSampler, storedTotal, type IngestSample, type IngestTarget } from './ingest-probe.js';
import { LatencyRecorder } from './latency.js';
import { PAYLOADS, RunIds } from './payloads.js';
import { pathStep, plannedSteps, type Step } from './plan.js';
import { PATHS, type Path, type Scenario } from './scenario.js';

const RSS_SAMPLE_MS = 2_000;
const PROGRESS_EVERY_MS = 15_000;
const DEFAULT_DRAIN_MS = 300_000;
/** Beacons wait for the next batch, OTLP in the Collector's queue: time for both, and for volume. */
const STORED_WAIT_BASE_MS = 120_000;
const STORED_WAIT_EVENTS_PER_S = 10_000;
const STORED_POLL_MS = 500;

export interface Targets {
  ingest: IngestTarget;
  collectorUrl: string;
}

export interface RunOptions {
  log?: (line: string) => void;
  /** How long the client keeps retrying after the load before it gives up. */
  drainMs?: number;
}

export interface ScenarioFigures {
  scenario: string;
  /** Wall time of the load itself (not the retries after it, nor the wait for ClickHouse). */
  loadSeconds: number;
  eventsPerSecond: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  counts: DeliveryCounts;
  byPath: Record<Path, DeliveryCounts>;
  /** Events ClickHouse gained during the run. */
  stored: number;
  /** Requests never acknowledged after every retry. */
  unsettled: number;
  peakRssBytes: number;
  breakpoint?: Partial<Record<Path, BreakpointFigures>>;
  samples: IngestSample[];
  firstRefusal?: string;
  /** The first answer that asked for a retry (429 or 503 with Retry-After), by path. */
  firstDeferral: Partial<Record<Path, string>>;
  /** Every other non-2xx answer, by path, tallied by status and message. */
  failureKinds: Record<Path, Record<string, number>>;
  /** Every threshold or reconciliation that failed; empty when the run passed. */
  failures: string[];
}

function baseUrlOf(path: Path, targets: Targets): string {
  return path === 'beacon' ? targets.ingest.url : targets.collectorUrl;
}

/** Runs both paths' share of one step at once and keeps to the step's schedule. A step without a
 * rate is a number of distinct requests: retries take some of autocannon's request count, so it
 * runs again for what is still unsent (a paced step's rate counts attempts, retries included). */
async function runMixedStep(
  step: Step,
  scenario: Scenario,
  deliveries: Record<Path, Delivery>,
  targets: Targets,
  recorders: LatencyRecorder[],
): Promise<void> {
  const started = Date.now();
  const capMs = step.durationS === undefined ? undefined : step.durationS * 1000 + REQUEST_TIMEOUT_S * 1000 + 5_000;
  await Promise.all(
    PATHS.map(async (path) => {
      const share = pathStep(step, path, scenario.beaconShare);
      const delivery = deliveries[path];
      const plan = { ...share, ...(capMs === undefined ? {} : { capMs }) };
      if (step.rate !== undefined) return runStep(baseUrlOf(path, targets), delivery, plan, recorders);
      const target = delivery.created + share.requests;
      while (delivery.created < target) {
        await runStep(baseUrlOf(path, targets), delivery, { ...plan, requests: target - delivery.created }, recorders);
      }
    }),
  );
  if (step.durationS !== undefined) {
    const left = started + step.durationS * 1000 - Date.now();
    if (left > 0) await sleep(left);
  }
}

/** Waits until ClickHouse holds at least `expected` more events than `before` (or time runs out),
 * then says how many it gained. */
export async function waitForStored(target: IngestTarget, before: number, expected: number): Promise<number> {
  await waitFor(async () => (await storedTotal(target)) - before >= expected, {
    intervalMs: STORED_POLL_MS,
    timeoutMs: STORED_WAIT_BASE_MS + (expected / STORED_WAIT_EVENTS_PER_S) * 1000,
  });
  return (await storedTotal(target)) - before;
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}

function soakLine(sample: IngestSample, previous: IngestSample | undefined, startedAt: number): string {
  const inserts = previous ? sample.inserts - previous.inserts : 0;
  const meanMs = inserts > 0 ? ((sample.insertSeconds - previous!.insertSeconds) / inserts) * 1000 : Number.NaN;
  const at = Math.round((sample.at - startedAt) / 1000);
  return `+${at} s: ingest RSS ${mib(sample.rssBytes)}, ${inserts} inserts into events since the last line, mean insert ${Number.isNaN(meanMs) ? '-' : `${meanMs.toFixed(1)} ms`}`;
}

export async function runScenario(scenario: Scenario, targets: Targets, options: RunOptions = {}): Promise<ScenarioFigures> {
  const log = options.log ?? (() => {});
  const ids = new RunIds();
  const deliveries = Object.fromEntries(
    PATHS.map((path) => [path, new Delivery(path, () => PAYLOADS[path](ids, scenario.eventsPerRequest))]),
  ) as Record<Path, Delivery>;
  const latencies = new LatencyRecorder();
  const before = await storedTotal(targets.ingest);
  const rss = new IngestSampler(targets.ingest, RSS_SAMPLE_MS);
  const startedAt = Date.now();
  const soak = scenario.sampleEveryS
    ? new IngestSampler(targets.ingest, scenario.sampleEveryS * 1000, (sample, previous) =>
        log(`${scenario.name} ${soakLine(sample, previous, startedAt)}`),
      )
    : undefined;
  rss.start();
  soak?.start();
  // A long unpaced run says how far it got now and then.
  const progress =
    scenario.shape.kind === 'volume'
      ? setInterval(() => {
          const acknowledged = deliveries.beacon.counts.acknowledgedEvents + deliveries.otlp.counts.acknowledgedEvents;
          log(
            `${scenario.name}: ${acknowledged.toLocaleString('en-US')} events acknowledged after ${Math.round((Date.now() - startedAt) / 1000)} s`,
          );
        }, PROGRESS_EVERY_MS)
      : undefined;
  const failures: string[] = [];
  let breakpoint: ScenarioFigures['breakpoint'];
  try {
    if (scenario.shape.kind === 'breakpoint') {
      breakpoint = {};
      for (const path of PATHS) {
        const beforePath = await storedTotal(targets.ingest);
        breakpoint[path] = await runBreakpoint(scenario, scenario.shape, path, baseUrlOf(path, targets), deliveries[path], latencies, log);
        // Let the service write what this path left behind before the next path is measured.
        await drain(baseUrlOf(path, targets), deliveries[path], options.drainMs ?? DEFAULT_DRAIN_MS);
        await waitForStored(targets.ingest, beforePath, deliveries[path].counts.acknowledgedEvents);
      }
    } else {
      for (const step of plannedSteps(scenario)) {
        const countsBefore = addCounts(deliveries.beacon.counts, deliveries.otlp.counts);
        await runMixedStep(step, scenario, deliveries, targets, [latencies]);
        const stepCounts = subtractCounts(addCounts(deliveries.beacon.counts, deliveries.otlp.counts), countsBefore);
        if (scenario.thresholds.abortOnFail && failedRate(stepCounts) > scenario.thresholds.maxFailedRate) {
          failures.push(
            `aborted: ${(failedRate(stepCounts) * 100).toFixed(1)} % of a step's attempts failed at ${Math.round(step.rate ?? 0)} requests/s`,
          );
          break;
        }
      }
    }
  } finally {
    soak?.stop();
    clearInterval(progress);
  }
  const loadSeconds = (Date.now() - startedAt) / 1000;
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  await Promise.all(PATHS.map((path) => drain(baseUrlOf(path, targets), deliveries[path], drainMs)));
  const counts = addCounts(deliveries.beacon.counts, deliveries.otlp.counts);
  const stored = await waitForStored(targets.ingest, before, counts.acknowledgedEvents);
  rss.stop();
  const [p50Ms, p95Ms, p99Ms] = latencies.percentiles(50, 95, 99) as [number, number, number];
  const unsettled = deliveries.beacon.unsettled + deliveries.otlp.unsettled;
  const { thresholds } = scenario;

  const rate = failedRate(counts);
  if (rate > thresholds.maxFailedRate)
    failures.push(`${(rate * 100).toFixed(2)} % of attempts failed (at most ${thresholds.maxFailedRate * 100} %)`);
  if (p95Ms > thresholds.p95Ms) failures.push(`p95 ${p95Ms.toFixed(1)} ms (at most ${thresholds.p95Ms} ms)`);
  if (thresholds.p99Ms !== undefined && p99Ms > thresholds.p99Ms)
    failures.push(`p99 ${p99Ms.toFixed(1)} ms (at most ${thresholds.p99Ms} ms)`);
  if (counts.refusedEvents > thresholds.maxRefusedEvents)
    failures.push(`${counts.refusedEvents} events refused (at most ${thresholds.maxRefusedEvents})`);
  if (unsettled > 0) failures.push(`${unsettled} requests never acknowledged after retrying for ${drainMs / 1000} s`);
  if (counts.acknowledgedEvents + counts.refusedEvents !== counts.sentEvents) {
    failures.push(`events sent ${counts.sentEvents} != acknowledged ${counts.acknowledgedEvents} + refused ${counts.refusedEvents}`);
  }
  if (stored !== counts.acknowledgedEvents)
    failures.push(`NOT reconciled: ClickHouse gained ${stored} events, ${counts.acknowledgedEvents} were acknowledged`);

  return {
    scenario: scenario.name,
    loadSeconds,
    eventsPerSecond: counts.acknowledgedEvents / loadSeconds,
    requestsPerSecond: counts.ok / loadSeconds,
    p50Ms,
    p95Ms,
    p99Ms,
    counts,
    byPath: { beacon: { ...deliveries.beacon.counts }, otlp: { ...deliveries.otlp.counts } },
    stored,
    unsettled,
    peakRssBytes: rss.peakRssBytes,
    ...(breakpoint ? { breakpoint } : {}),
    samples: soak?.samples ?? rss.samples,
    ...(deliveries.beacon.firstRefusal || deliveries.otlp.firstRefusal
      ? { firstRefusal: deliveries.beacon.firstRefusal ?? deliveries.otlp.firstRefusal }
      : {}),
    firstDeferral: Object.fromEntries(
      PATHS.flatMap((path) => (deliveries[path].firstDeferral ? [[path, deliveries[path].firstDeferral]] : [])),
    ),
    failureKinds: {
      beacon: Object.fromEntries(deliveries.beacon.failureKinds),
      otlp: Object.fromEntries(deliveries.otlp.failureKinds),
    },
    failures,
  };
}
