// The breakpoint ramp of one path: each step asks for `growth` times the previous rate, until a
// step's p99 passes the bound, its failures pass theirs, or the service no longer keeps pace (the
// step's requests took much longer than the step). The figure is the highest rate a step held.
import type { Delivery } from './delivery.js';
import { failedRate, subtractCounts } from './delivery.js';
import { REQUEST_TIMEOUT_S, runStep } from './drive.js';
import { LatencyRecorder } from './latency.js';
import type { BreakpointShape, Path, Scenario } from './scenario.js';

/** A step kept pace when its requests were all answered within this many times its length (plus
 * a second for the staggered start and the last tick of autocannon's per-second quota). */
const PACE_SLACK = 1.2;
const PACE_SLACK_S = 1;

export interface BreakpointStep {
  askedRequestsPerSecond: number;
  askedEventsPerSecond: number;
  /** Events acknowledged over the step's wall time. */
  eventsPerSecond: number;
  p99Ms: number;
  failedRate: number;
  held: boolean;
}

export interface BreakpointFigures {
  /** The events/s asked of the highest step that held; 0 when even the first step did not. */
  sustainedEventsPerSecond: number;
  /** Why the ramp ended. */
  stoppedBecause: string;
  steps: BreakpointStep[];
}

export async function runBreakpoint(
  scenario: Scenario,
  shape: BreakpointShape,
  path: Path,
  baseUrl: string,
  delivery: Delivery,
  runLatencies: LatencyRecorder,
  log: (line: string) => void,
): Promise<BreakpointFigures> {
  const steps: BreakpointStep[] = [];
  let sustained = 0;
  let stoppedBecause = `reached the highest rate asked (${shape.maxRate} requests/s)`;
  for (let rate = shape.startRate; rate <= shape.maxRate; rate *= shape.growth) {
    const stepLatencies = new LatencyRecorder();
    const before = { ...delivery.counts };
    const started = Date.now();
    const requests = Math.round(rate * shape.stepS);
    await runStep(
      baseUrl,
      delivery,
      {
        requests,
        rate,
        connections: Math.max(1, Math.min(shape.maxConnections, Math.ceil(rate))),
        capMs: shape.stepS * 1000 * 2 + REQUEST_TIMEOUT_S * 1000,
      },
      [stepLatencies, runLatencies],
    );
    const seconds = (Date.now() - started) / 1000;
    const counts = subtractCounts(delivery.counts, before);
    const [p99Ms] = stepLatencies.percentiles(99) as [number];
    const step: BreakpointStep = {
      askedRequestsPerSecond: rate,
      askedEventsPerSecond: (requests * scenario.eventsPerRequest) / shape.stepS,
      eventsPerSecond: counts.acknowledgedEvents / seconds,
      p99Ms,
      failedRate: failedRate(counts),
      held: false,
    };
    const paceS = shape.stepS * PACE_SLACK + PACE_SLACK_S;
    const reasons = [
      ...(p99Ms > shape.breakAt.p99Ms ? [`p99 ${p99Ms.toFixed(0)} ms > ${shape.breakAt.p99Ms} ms`] : []),
      ...(step.failedRate > shape.breakAt.failedRate
        ? [`${(step.failedRate * 100).toFixed(1)} % failed > ${shape.breakAt.failedRate * 100} %`]
        : []),
      ...(seconds > paceS ? [`a ${shape.stepS} s step took ${seconds.toFixed(1)} s`] : []),
    ];
    step.held = reasons.length === 0;
    steps.push(step);
    log(
      `${scenario.name} ${path}: asked ${Math.round(rate)} requests/s (${Math.round(step.askedEventsPerSecond)} events/s): ` +
        `${Math.round(step.eventsPerSecond)} events/s acknowledged over ${seconds.toFixed(1)} s, p99 ${p99Ms.toFixed(1)} ms, ${(step.failedRate * 100).toFixed(2)} % failed` +
        (step.held ? '' : ` - broke: ${reasons.join(', ')}`),
    );
    if (!step.held) {
      stoppedBecause = reasons.join(', ');
      break;
    }
    sustained = Math.max(sustained, step.askedEventsPerSecond);
  }
  return { sustainedEventsPerSecond: sustained, stoppedBecause, steps };
}
