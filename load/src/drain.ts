// After the load: the client keeps retrying what was never acknowledged (cut off by the end of
// the run, lost to a fault, answered 503) until every request is settled, as a tracker retries
// its queue. Plain fetch: a few requests at a time, each when its back-off is due.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Delivery } from './delivery.js';
import { BROWSER_USER_AGENT, ENDPOINTS } from './payloads.js';

const PARALLEL = 16;
const REQUEST_TIMEOUT_MS = 10_000;
const IDLE_POLL_MS = 100;

async function resend(baseUrl: string, delivery: Delivery): Promise<boolean> {
  const outgoing = delivery.dueRetry();
  if (!outgoing) return false;
  const endpoint = ENDPOINTS[delivery.path];
  try {
    const response = await fetch(`${baseUrl}${endpoint.path}`, {
      method: 'POST',
      headers: { 'content-type': endpoint.contentType, 'user-agent': BROWSER_USER_AGENT },
      body: outgoing.payload.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    delivery.answered(outgoing.id, response.status, await response.text(), response.headers.get('retry-after') ?? undefined);
  } catch {
    // Refused, reset or timed out: no answer, so it is queued again.
    delivery.lostOne(outgoing.id);
  }
  return true;
}

/** Retries until nothing is unsettled; resolves false if `deadlineMs` came first. */
export async function drain(baseUrl: string, delivery: Delivery, deadlineMs: number): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  const worker = async () => {
    while (delivery.unsettled > 0 && Date.now() < deadline) {
      if (!(await resend(baseUrl, delivery))) await sleep(IDLE_POLL_MS);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return delivery.unsettled === 0;
}
