// One step of load on one path, driven by autocannon: `requests` requests at `rate` requests/s
// (or as fast as answers come), each body taken from the path's Delivery (a due retry or a fresh
// batch of events) and each answer settled there.
//
// What autocannon cannot do, and what we do instead:
// - No ramping arrival rate: a scenario's ramps are cut into steps of constant rate, one
//   autocannon run each (see plan.ts).
// - Its rate is a quota per connection and per second, not evenly spaced arrivals: every
//   connection sends its share at the start of each second, all connections together, so a rate
//   of 1000/s arrives as bursts of 1000 requests, and p99 measures the burst. A paced step is
//   therefore SPREAD autocannon runs, each with a tenth of the rate, started a tenth of a second
//   apart: ten smaller bursts a second. Still not evenly spaced arrivals (an open model only
//   approximately), and latencies are those of at most `connections` concurrent clients.
// - It never tells which request a connection error or time-out took down, and retries nothing:
//   a request that got no answer within its time-out is given up here and retried (Delivery).
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import type { Delivery } from './delivery.js';
import type { LatencyRecorder } from './latency.js';
import { BROWSER_USER_AGENT, ENDPOINTS } from './payloads.js';

/** A request without an answer after this long is abandoned (autocannon closes its connection). */
export const REQUEST_TIMEOUT_S = 10;
/** Paced steps run as this many autocannon runs a fraction of a second apart (see above). */
const SPREAD = 10;
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

/** `total` shared out over `parts` whole numbers as evenly as possible; part `index` of it. */
function share(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

/**
 * A paced step as `parts` runs: the rate shared as evenly as whole numbers allow, and each run's
 * requests in proportion to its rate, so all of them last as long as the step (781 requests at
 * 78/s shared evenly would give the runs at 7/s 11 s of work).
 */
export function paceSplit(requests: number, rate: number, parts: number): { requests: number; rate: number }[] {
  let rateSoFar = 0;
  return Array.from({ length: parts }, (_, index) => {
    const partRate = share(rate, parts, index);
    const before = Math.round((requests * rateSoFar) / rate);
    rateSoFar += partRate;
    return { rate: partRate, requests: Math.round((requests * rateSoFar) / rate) - before };
  });
}

export async function runStep(baseUrl: string, delivery: Delivery, plan: StepPlan, recorders: LatencyRecorder[]): Promise<void> {
  if (plan.requests < 1) return;
  if (plan.rate === undefined) {
    await runInstance(baseUrl, delivery, plan, recorders);
  } else {
    const rate = Math.max(1, Math.round(plan.rate));
    const parts = Math.min(SPREAD, rate, plan.requests);
    const pieces = paceSplit(plan.requests, rate, parts);
    await Promise.all(
      Array.from({ length: parts }, async (_, index) => {
        await sleep((index * 1000) / parts);
        await runInstance(
          baseUrl,
          delivery,
          {
            requests: pieces[index]!.requests,
            rate: pieces[index]!.rate,
            connections: Math.max(1, share(plan.connections, parts, index)),
            ...(plan.capMs === undefined ? {} : { capMs: plan.capMs }),
          },
          recorders,
        );
      }),
    );
  }
  // The runs are over and their connections closed: whatever is still in flight will get no answer.
  delivery.giveUpOlderThan(0);
}

async function runInstance(baseUrl: string, delivery: Delivery, plan: StepPlan, recorders: LatencyRecorder[]): Promise<void> {
  // autocannon reads an amount of 0 as "no limit" and would run for its default duration.
  if (plan.requests < 1) return;
  const endpoint = ENDPOINTS[delivery.path];
  // autocannon refuses more connections than requests.
  let connections = Math.max(1, Math.min(plan.connections, plan.requests));
  // autocannon shares an overall rate and the amount out over the connections separately, each
  // remainder to the first connections: 30/s and 300 requests over 20 connections gives ten
  // connections 1/s and 15 requests each, and the step lasts 15 s instead of 10. So every
  // connection gets the same rate instead, and only as many connections as that rate needs (the
  // rate comes out at most one request per connection and second above the plan's).
  let connectionRate: number | undefined;
  if (plan.rate !== undefined) {
    const rate = Math.max(1, Math.round(plan.rate));
    connectionRate = Math.ceil(rate / Math.min(connections, rate));
    connections = Math.max(1, Math.min(Math.ceil(rate / connectionRate), plan.requests));
  }
  const options: autocannon.Options = {
    url: baseUrl,
    connections,
    amount: plan.requests,
    ...(connectionRate === undefined ? {} : { connectionRate }),
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
}
