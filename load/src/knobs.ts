// The environment variables that resize a scenario without editing it. load/lib/options.js applies
// the same variables the same way for k6 (a test holds the two to each other).
import type { Scenario, Shape } from './scenario.js';

export const KNOBS = {
  RATE: "requests/s: a staged scenario's highest rate (the others scale with it); breakpoint's first step",
  DURATION: 'length of every plateau (`hold` stage), in seconds or with s, m, h',
  EVENTS_PER_REQUEST: 'events in each request (beacons take at most 100)',
  REQUESTS: "smoke's number of requests",
  EVENTS: "firehose's number of events",
  CONNECTIONS: 'most requests in flight at once',
} as const;

export type Knob = keyof typeof KNOBS;

/** "90", "90s", "2m", "1h" -> seconds. */
export function parseSeconds(value: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(value.trim());
  if (!match) throw new Error(`${name} must be seconds, or a number with s, m or h (e.g. 90, 5m), not "${value}"`);
  const unit = match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1;
  return Number(match[1]) * unit;
}

function positive(value: string, name: string, integer: boolean): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new Error(`${name} must be a positive ${integer ? 'whole ' : ''}number, not "${value}"`);
  }
  return number;
}

function resize(shape: Shape, env: Partial<Record<Knob, string>>): Shape {
  const connections = env.CONNECTIONS ? positive(env.CONNECTIONS, 'CONNECTIONS', true) : undefined;
  switch (shape.kind) {
    case 'iterations':
      return {
        ...shape,
        requests: env.REQUESTS ? positive(env.REQUESTS, 'REQUESTS', true) : shape.requests,
        connections: connections ?? shape.connections,
      };
    case 'volume':
      return {
        ...shape,
        events: env.EVENTS ? positive(env.EVENTS, 'EVENTS', true) : shape.events,
        connections: connections ?? shape.connections,
      };
    case 'breakpoint':
      return {
        ...shape,
        startRate: env.RATE ? positive(env.RATE, 'RATE', false) : shape.startRate,
        maxConnections: connections ?? shape.maxConnections,
      };
    case 'stages': {
      const peak = Math.max(shape.startRate, ...shape.stages.map((stage) => stage.rate));
      const scale = env.RATE ? positive(env.RATE, 'RATE', false) / peak : 1;
      const holdS = env.DURATION ? parseSeconds(env.DURATION, 'DURATION') : undefined;
      return {
        ...shape,
        startRate: shape.startRate * scale,
        stages: shape.stages.map((stage) => ({
          ...stage,
          rate: stage.rate * scale,
          durationS: stage.hold && holdS !== undefined ? holdS : stage.durationS,
        })),
        maxConnections: connections ?? shape.maxConnections,
      };
    }
  }
}

/** The scenario as the environment resizes it; a bad value names its variable. */
export function withKnobs(scenario: Scenario, env: Partial<Record<Knob, string | undefined>>): Scenario {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')) as Partial<
    Record<Knob, string>
  >;
  const eventsPerRequest = set.EVENTS_PER_REQUEST
    ? positive(set.EVENTS_PER_REQUEST, 'EVENTS_PER_REQUEST', true)
    : scenario.eventsPerRequest;
  if (eventsPerRequest > 100) throw new Error(`EVENTS_PER_REQUEST must be at most 100 (a beacon's limit), not ${eventsPerRequest}`);
  return { ...scenario, eventsPerRequest, shape: resize(scenario.shape, set) };
}

/** The knobs out of a process environment. */
export function knobsFrom(env: NodeJS.ProcessEnv): Partial<Record<Knob, string | undefined>> {
  return Object.fromEntries(Object.keys(KNOBS).map((name) => [name, env[name]]));
}
