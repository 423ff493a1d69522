// One step of load on one path, driven by autocannon: `requests` requests at `rate` requests/s
// (or as fast as answers come), each body taken from the path's Delivery (a due retry or a fresh
// batch of events) and each answer settled there.
//
// What autocannon cannot do, and what we do instead:
// - No ramping arrival rate: a scenario's ramps are cut into steps of constant rate, one
//   autocannon run each (see plan.ts).
// - Its rate is a quota per connection and per second, not evenly spaced arrivals: each connection
//   sends its share of the second back to back, then waits for the next second. Latencies are
//   therefore those of `connections` concurrent clients, an open model only approximately.
// - It never tells which request a connection error or time-out took down, and retries nothing:
//   a request that got no answer within its time-out is given up here and retried (Delivery).
import autocannon from 'autocannon';
import type { Delivery } from './delivery.js';
import type { LatencyRecorder } from './latency.js';
import { BROWSER_USER_AGENT, ENDPOINTS } from './payloads.js';

/** A request without an answer after this long is abandoned (autocannon closes its connection). */
export const REQUEST_TIMEOUT_S = 10;
/** A request in flight this long has no connection left to answer it on. */
const GIVE_UP_AFTER_MS = REQUEST_TIMEOUT_S * 1000 + 2_000;

export interface StepPlan {
  requests: number;
  /** Requests per second; unset sends as fast as the service answers. */
  rate?: number;
  connections: number;
  /** Stop the step after this long even if requests remain (a service that stopped answering). */
  capMs?: number;
}

/** What setupRequest leaves in autocannon's per-request context for onResponse. */
interface RequestContext {
  outgoing?: number;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

export async function runStep(baseUrl: string, delivery: Delivery, plan: StepPlan, recorders: LatencyRecorder[]): Promise<void> {
  if (plan.requests < 1) return;
  const endpoint = ENDPOINTS[delivery.path];
  // autocannon refuses more connections than requests, and lowers them to the rate itself.
  const connections = Math.max(1, Math.min(plan.connections, plan.requests));
  const options: autocannon.Options = {
    url: baseUrl,
    connections,
    amount: plan.requests,
    ...(plan.rate === undefined ? {} : { overallRate: Math.max(1, Math.round(plan.rate)) }),
    timeout: REQUEST_TIMEOUT_S,
    requests: [
      {
        method: 'POST',
        path: endpoint.path,
        headers: { 'content-type': endpoint.contentType, 'user-agent': BROWSER_USER_AGENT },
        setupRequest: (request, context) => {
          const outgoing = delivery.next();
          (context as RequestContext).outgoing = outgoing.id;
          return { ...request, body: outgoing.payload.body };
        },
        onResponse: (status, body, context, headers) => {
          const id = (context as RequestContext).outgoing;
          if (id !== undefined) delivery.answered(id, status, body, header(headers ?? {}, 'retry-after'));
        },
      },
    ],
  };
  let instance!: autocannon.Instance;
  const finished = new Promise<void>((resolve, reject) => {
    instance = autocannon(options, (error: unknown) => (error ? reject(error as Error) : resolve()));
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    for (const recorder of recorders) recorder.record(responseTime);
  });
  const sweep = setInterval(() => delivery.giveUpOlderThan(GIVE_UP_AFTER_MS), 1_000);
  const cap = plan.capMs === undefined ? undefined : setTimeout(() => instance.stop(), plan.capMs);
  try {
    await finished;
  } finally {
    clearInterval(sweep);
    if (cap) clearTimeout(cap);
  }
  // The run is over and its connections closed: whatever is still in flight will get no answer.
  delivery.giveUpOlderThan(0);
}
