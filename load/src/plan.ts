// A scenario's shape as the steps our driver runs: constant-rate stretches (a ramp becomes a
// staircase of steps no longer than STEP_S), each split between the beacon and the OTLP path.
import type { Path, Scenario, StagesShape } from './scenario.js';

/** The longest constant-rate step a ramp is cut into. */
export const STEP_S = 5;

export interface Step {
  /** Requests per second over both paths; unset means as fast as answers come. */
  rate?: number;
  /** How long the step should last (the schedule); unset for a step that runs until done. */
  durationS?: number;
  requests: number;
  connections: number;
}

export interface PathStep {
  requests: number;
  rate?: number;
  connections: number;
}

/** The staircase of a staged shape: each ramp cut into equal steps, each at its midpoint rate. */
export function stagedSteps(shape: StagesShape): Step[] {
  const steps: Step[] = [];
  let from = shape.startRate;
  for (const stage of shape.stages) {
    const pieces = from === stage.rate ? 1 : Math.max(1, Math.ceil(stage.durationS / STEP_S));
    const pieceS = stage.durationS / pieces;
    for (let i = 0; i < pieces; i += 1) {
      const rate = from + ((stage.rate - from) * (i + 0.5)) / pieces;
      steps.push({
        rate,
        durationS: pieceS,
        requests: Math.round(rate * pieceS),
        connections: Math.max(1, Math.min(shape.maxConnections, Math.ceil(rate))),
      });
    }
    from = stage.rate;
  }
  return steps;
}

/** The steps of a scenario whose steps are known in advance (every shape but breakpoint). */
export function plannedSteps(scenario: Scenario): Step[] {
  const { shape } = scenario;
  switch (shape.kind) {
    case 'iterations':
      return [{ requests: shape.requests, connections: shape.connections }];
    case 'volume':
      return [{ requests: Math.ceil(shape.events / scenario.eventsPerRequest), connections: shape.connections }];
    case 'stages':
      return stagedSteps(shape);
    case 'breakpoint':
      throw new Error('a breakpoint ramp is decided step by step (breakpoint.ts)');
  }
}

/** One step's share for one path: beacons get `beaconShare` of the requests, OTLP the rest. */
export function pathStep(step: Step, path: Path, beaconShare: number): PathStep {
  const share = path === 'beacon' ? beaconShare : 1 - beaconShare;
  const beaconRequests = Math.round(step.requests * beaconShare);
  const requests = path === 'beacon' ? beaconRequests : step.requests - beaconRequests;
  return {
    requests,
    ...(step.rate === undefined ? {} : { rate: step.rate * share }),
    connections: Math.max(1, Math.round(step.connections * share)),
  };
}
