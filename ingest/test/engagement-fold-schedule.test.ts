// The engagement fold's schedule on the service as it runs (engagement-fold/plugin.ts): a round
// comes by itself a minute after start, the next a second later while slices of the span wait,
// none while another replica holds the lease `engagement-fold`, and closing the service waits for
// the round under way before ClickHouse closes.
//
// Test double: the timers (setTimeout, clearTimeout) are Vitest's fake timers, so a minute passes
// at once; the engine, its data and the lease are real. The events are written straight to the
// table with an insert mark minutes old, past the fold's settle time, as if they had arrived then.
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { MAX_EVENTS_PER_ROUND } from '../src/engagement-fold/fold-engagement.js';
import { leaseFor } from '../src/lease/lease.js';
import { FOLD_JOB } from '../src/stats/engagement.js';
import { insertSettledPageViews } from './support/raw-events.js';
import { testApp } from './support/test-app.js';

const MINUTE = 60_000;
/** The watermark before anything was folded. */
const EPOCH = '1970-01-01 00:00:00.000';

let app: (FastifyInstance & { dataDir: string }) | undefined;

/** Page views past the fold's settle time, so the next round folds them. */
const seed = (events: number) => insertSettledPageViews(app!.clickhouse, events);

/**
 * The round the timer just started has ended: the plugin scheduled the next (with the alerts off,
 * the fold's is the only timer the idle service keeps).
 */
async function roundEnded(): Promise<void> {
  const giveUpAt = performance.now() + 60_000;
  while (vi.getTimerCount() === 0) {
    if (performance.now() > giveUpAt) throw new Error('the round did not end within a minute');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(async () => {
  vi.useRealTimers();
  await app?.close();
  app = undefined;
});

describe('the engagement fold’s schedule', () => {
  it('runs a round by itself a minute after start, and the next a second later while the span’s slices wait', async () => {
    app = await testApp({ alertsEnabled: false });
    const fold = app.engagementFold;
    // One event more than a round takes: a span of two slices.
    await seed(MAX_EVENTS_PER_ROUND + 1);
    expect(vi.getTimerCount()).toBe(1);

    await vi.advanceTimersByTimeAsync(MINUTE - 1);
    expect(vi.getTimerCount()).toBe(1);
    expect(fold.behind).toBe(false);

    await vi.advanceTimersByTimeAsync(1);
    await roundEnded();
    // The first slice is folded, the second waits: the watermark is not moved yet.
    expect(fold.behind).toBe(true);
    expect(await fold.watermark()).toBe(EPOCH);

    await vi.advanceTimersByTimeAsync(999);
    expect(fold.behind).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    await roundEnded();
    expect(fold.behind).toBe(false);
    expect(await fold.watermark()).not.toBe(EPOCH);
  }, 120_000);

  it('does not fold while another replica holds the lease, and folds once it is given up', async () => {
    app = await testApp({ replicaId: 'replica-a', alertsEnabled: false });
    const fold = app.engagementFold;
    await seed(10);
    // Replica b, sharing the engine, holds the lease.
    const other = leaseFor(app.clickhouse, 'engagement-fold', { replicaId: 'replica-b' });
    expect(await other.hold()).toBe(true);

    await vi.advanceTimersByTimeAsync(MINUTE);
    await roundEnded();
    expect(await fold.watermark()).toBe(EPOCH);
    expect(await other.isCurrent()).toBe(true);

    // Replica b gives it up: a's next round takes it and folds.
    await other.release();
    await vi.advanceTimersByTimeAsync(MINUTE);
    await roundEnded();
    expect(await fold.watermark()).not.toBe(EPOCH);
    expect(await other.isCurrent()).toBe(false);
  }, 120_000);

  it('closes only once the round under way has ended', async () => {
    app = await testApp({ alertsEnabled: false });
    const { dataDir } = app;
    await seed(10);
    // The round starts, and the service is closed at once, under it.
    vi.advanceTimersByTime(MINUTE);
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
    await app.close();
    app = undefined;
    // Its watermark was stored before ClickHouse closed.
    const client = await createClickHouse({ url: undefined, dataDir });
    try {
      const result = await client.query({
        query: 'SELECT count() AS n FROM fold_watermarks WHERE job = {job:String}',
        query_params: { job: FOLD_JOB },
        format: 'JSONEachRow',
      });
      expect((await result.json<{ n: number | string }>()).map((row) => Number(row.n))).toEqual([1]);
    } finally {
      await client.close();
    }
  }, 120_000);
});
