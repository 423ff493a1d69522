// Nothing the Collector accepted is lost or doubled: the ingest service goes away while spans
// flow, the Collector restarts meanwhile (its queue is on disk), the ingest service comes back,
// and every accepted span is stored exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ingestMetric, storedEvents, waitFor, freePorts, NativeStack } from '@footfall/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSpanFlow } from './support/span-flow.js';

const scratch = mkdtempSync(join(tmpdir(), 'footfall-durability-'));
let stack: NativeStack;

beforeAll(async () => {
  stack = new NativeStack({
    baseDir: scratch,
    ports: await freePorts(),
    corsOrigins: ['http://127.0.0.1:5173'],
    ingestEnv: { RATE_LIMIT_PER_MINUTE: '0', BATCH_INTERVAL_MS: '200' },
    collectorEnv: { COLLECTOR_BATCH_TIMEOUT: '200ms' },
  });
  await stack.start('ingest');
  await stack.start('collector');
});

afterAll(async () => {
  await stack?.stopAll();
  // Keep the logs of a failed run for its report; a passing run leaves nothing behind.
  if (!process.env.FOOTFALL_KEEP_TEST_DATA) rmSync(scratch, { recursive: true, force: true });
});

describe('durability through the Collector', () => {
  it('stores every accepted span exactly once across an ingest outage and a Collector restart', { timeout: 180_000 }, async () => {
    const session = `durability-${randomUUID()}`;
    const flow = startSpanFlow(() => stack.urls.collectorOtlpHttp, session);

    await sleep(1_000);
    await stack.stop('ingest'); // while spans flow
    await sleep(2_000); // the Collector queues on disk and retries
    await stack.stop('collector'); // with data waiting in its queue
    await sleep(500);
    await stack.start('collector');
    await sleep(1_000);
    await stack.start('ingest');
    await sleep(1_000);
    const { acceptedSpanIds, failedRequests } = await flow.stop();

    // The flow ran through every phase: accepted spans before and after, refusals only while
    // the Collector itself was down.
    expect(acceptedSpanIds.length).toBeGreaterThan(100);
    expect(failedRequests).toBeLessThan(acceptedSpanIds.length);

    // Wait for the queue to drain; on a time-out the assertions below say what is missing.
    await waitFor(async () => (await storedEvents(stack.urls.ingest, session)).length >= acceptedSpanIds.length, {
      intervalMs: 500,
      timeoutMs: 60_000,
    });
    // A little longer: a late retry must not add a second copy.
    await sleep(2_000);
    const storedIds = (await storedEvents(stack.urls.ingest, session)).map((e) => e.event_id);
    const missing = acceptedSpanIds.filter((id) => !storedIds.includes(id));
    const counters = await Promise.all(
      ['footfall_events_accepted_total', 'footfall_events_refused_total', 'footfall_events_duplicate_total'].map(
        async (name) => `${name} ${await ingestMetric(stack.urls.ingest, name, {})}`,
      ),
    );
    const context = `stored ${storedIds.length} of ${acceptedSpanIds.length} accepted; ${missing.length} missing; ingest since its restart: ${counters.join(', ')}; logs in ${stack.logDir} (kept with FOOTFALL_KEEP_TEST_DATA=1)`;
    expect(missing, context).toEqual([]);
    expect(storedIds, context).toHaveLength(acceptedSpanIds.length);
    expect(new Set(storedIds)).toEqual(new Set(acceptedSpanIds));
  });
});
