import { EVENT_LIMITS } from '@footfall/contract';
import { describe, expect, it } from 'vitest';
import { BatchPacing, BUSY_FACTOR, BUSY_ROWS_PER_SECOND } from '../src/pipeline/batch-pacing.js';
import { beaconEvent, postBeacon, testApp } from './support/test-app.js';

// The wait of a table's open batch: one interval while the table is quiet, BUSY_FACTOR intervals
// once its last batch came in at BUSY_ROWS_PER_SECOND or more, and back when the rate falls.
// Times are given, not measured: the pacing reads no clock.
describe('batch pacing', () => {
  it('waits one interval while quiet and five once a batch came in at the busy rate', () => {
    const pacing = new BatchPacing(1000);
    expect(pacing.waitMs).toBe(1000);
    pacing.sealed(BUSY_ROWS_PER_SECOND - 1, 1000);
    expect(pacing.waitMs).toBe(1000);
    pacing.sealed(BUSY_ROWS_PER_SECOND, 1000);
    expect(pacing.waitMs).toBe(1000 * BUSY_FACTOR);
  });

  it('goes back to one interval when a long batch brings fewer rows a second', () => {
    const pacing = new BatchPacing(1000);
    pacing.sealed(5000, 1000);
    expect(pacing.waitMs).toBe(5000);
    // 4,000 rows over the busy wait of 5 s: 800 a second.
    pacing.sealed(4000, 5000);
    expect(pacing.waitMs).toBe(1000);
  });

  it('judges a batch sealed early over one interval at least, so a flush of a few rows is never busy', () => {
    const pacing = new BatchPacing(1000);
    pacing.sealed(50, 10);
    expect(pacing.waitMs).toBe(1000);
    // A full batch sealed at once is busy however short its time.
    pacing.sealed(20_000, 300);
    expect(pacing.waitMs).toBe(5000);
  });

  it('scales with the configured interval', () => {
    const pacing = new BatchPacing(50);
    pacing.sealed(50, 50);
    expect(pacing.waitMs).toBe(50 * BUSY_FACTOR);
  });
});

// A batch is also sealed by its bytes: wide rows (spans) reach BATCH_MAX_BYTES long before
// BATCH_SIZE rows, and the batch's memory is what the bound is for.
describe('a batch of many bytes', () => {
  it('is written once its segment holds BATCH_MAX_BYTES, however few rows and however long its wait', async () => {
    const maxBytes = 64 * 1024;
    const app = await testApp({ batchSize: 1_000_000, batchMaxBytes: maxBytes, batchIntervalMs: 600_000 });
    try {
      // Lines of 512 to 1,024 bytes: the longest path an event may carry, and the rest of its row.
      const path = `/${'p'.repeat(EVENT_LIMITS.textLength - 1)}`;
      // Read from the engine as it is (the tests' countOf writes everything accepted first).
      const stored = async () => {
        const result = await app.clickhouse.query({
          query: "SELECT count() AS n FROM events WHERE session_id = 'wide'",
          format: 'JSONEachRow',
        });
        return Number((await result.json<{ n: string }>())[0]?.n);
      };
      let sent = 0;
      // Ten events a request until a batch is written (the interval is ten minutes: only the bound writes one).
      while (sent < 1000 && (await stored()) === 0) {
        const answer = await postBeacon(app, { events: Array.from({ length: 10 }, () => beaconEvent({ session: 'wide', path })) });
        expect(answer.statusCode, answer.body).toBe(202);
        sent += 10;
        const deadline = Date.now() + 500;
        while ((await stored()) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Every row logged when the bound was passed is in that batch, and the bound was passed then.
      expect(await stored()).toBe(sent);
      expect(sent).toBeGreaterThanOrEqual(maxBytes / 1024);
      expect(sent).toBeLessThanOrEqual(maxBytes / 512 + 10);
      // Below the bound, a batch waits for its interval.
      expect((await postBeacon(app, { events: [beaconEvent({ session: 'wide', path })] })).statusCode).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await stored()).toBe(sent);
    } finally {
      await app.close();
    }
  });
});
