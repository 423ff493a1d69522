// The shape of a load scenario: plain data, read by both drivers (our autocannon runner and the
// k6 scripts rendered from it), so a scenario is defined in one place only.

/** Where a request goes: a beacon straight to the ingest service, or OTLP/JSON spans through the
 * Collector. */
export type Path = 'beacon' | 'otlp';

export const PATHS: readonly Path[] = ['beacon', 'otlp'];

/** One stretch of an arrival-rate scenario: the rate moves linearly from where the previous stage
 * ended to `rate` over `durationS`. */
export interface Stage {
  /** Requests per second (all paths together) at the end of the stage. */
  rate: number;
  durationS: number;
  /** A plateau whose length `DURATION` replaces (the part of a scenario worth lengthening). */
  hold?: boolean;
}

/** A fixed number of requests, one at a time per connection: "does it answer at all". */
export interface IterationsShape {
  kind: 'iterations';
  requests: number;
  connections: number;
}

/** Requests arriving at a rate that follows the stages. */
export interface StagesShape {
  kind: 'stages';
  /** Requests per second when the first stage begins. */
  startRate: number;
  stages: Stage[];
  /** Most requests in flight at once (k6's maxVUs). */
  maxConnections: number;
}

/** The arrival rate grows step by step until the service bends. */
export interface BreakpointShape {
  kind: 'breakpoint';
  startRate: number;
  /** Each step's rate is the previous one's times this. */
  growth: number;
  stepS: number;
  /** Never ask for more than this, bent or not. */
  maxRate: number;
  maxConnections: number;
  /** A step that passes either bound is where the service broke. */
  breakAt: { p99Ms: number; failedRate: number };
}

/** A number of events sent as fast as the service answers. */
export interface VolumeShape {
  kind: 'volume';
  events: number;
  connections: number;
}

export type Shape = IterationsShape | StagesShape | BreakpointShape | VolumeShape;

/** What fails a run. Checked on the whole run, after the client's retries. */
export interface Thresholds {
  /** Largest share of attempts that may fail: non-2xx answers, connection errors, time-outs. */
  maxFailedRate: number;
  p95Ms: number;
  p99Ms?: number;
  /** Events the service may refuse (our payloads are valid, so 0). */
  maxRefusedEvents: number;
  /** Stop as soon as a step passes maxFailedRate, rather than at the end. */
  abortOnFail?: boolean;
}

export interface Scenario {
  name: string;
  /** One line for docs/load.md and the scripts' header. */
  summary: string;
  /** Share of requests that are beacons; the rest are OTLP through the Collector. */
  beaconShare: number;
  /** Run each path on its own, one after the other, instead of mixed (the breakpoint of each). */
  eachPathAlone?: boolean;
  eventsPerRequest: number;
  shape: Shape;
  thresholds: Thresholds;
  /** Print the ingest service's RSS and insert latency this often (soak). */
  sampleEveryS?: number;
  /** Left out of CI: too long or too heavy for it. */
  ciExcluded?: boolean;
}
