import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createClient } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { isDataError } from '../src/pipeline/clickhouse-errors.js';
import type { EventRow } from '../src/tables/index.js';
import { freePort } from './support/service-process.js';
import { countOf, freshDataDir, testApp } from './support/test-app.js';

// Defence in depth behind well-formed text: a batch that ClickHouse refuses for the data of some
// of its rows is halved until only those rows are left; they are set aside, counted and shown, and
// every other row is written exactly once. Rows are refused by the real engine for real reasons:
// a time that is not a time (CANNOT_PARSE_DATETIME) and a negative number in an unsigned column
// (CANNOT_PARSE_NUMBER).

const ONE_BATCH = { batchIntervalMs: 600_000 };

function goodRow(id: string, session: string) {
  return { site: 'portfolio', type: 'page_view', ts: Date.now(), event_id: id, session_id: session, path: '/', received_at: Date.now() };
}

/** 20 rows ClickHouse takes and 3 it refuses, the refused ones first, in the middle and last. */
function mixedRows(session: string) {
  const rows: Array<Record<string, unknown>> = [];
  rows.push({ ...goodRow('refused-time', session), ts: 'not a time at all' });
  for (let index = 0; index < 20; index++) {
    rows.push(goodRow(`good-${index}`, session));
    if (index === 9) rows.push({ ...goodRow('refused-number', session), duration_ms: -5 });
  }
  rows.push({ ...goodRow('refused-time-2', session), ts: '2024-13-45 99:99:99' });
  return rows;
}

/**
 * The same rows as the pipeline can take them: its events serializer writes numbers as numbers,
 * so here every refused row is refused for a negative number in an unsigned column. Rows of the
 * wrong shape on purpose, hence the cast.
 */
function acceptableMixedRows(session: string): EventRow[] {
  const rows = mixedRows(session).map((row) => (typeof row.ts === 'string' ? { ...row, ts: Date.now(), duration_ms: -1 } : row));
  return rows as unknown as EventRow[];
}

const rejectedIds = (dir: string) =>
  readdirSync(dir)
    .flatMap((name) => readFileSync(join(dir, name), 'utf8').trim().split('\n'))
    .map((line) => (JSON.parse(line) as { event_id: string }).event_id)
    .sort();

describe('a batch ClickHouse refuses for the data of some rows', () => {
  it('is split until only those rows are set aside; every other row is written once', async () => {
    const app = await testApp(ONE_BATCH);
    try {
      const accepted = app.pipeline.accept('events', acceptableMixedRows('split'));
      expect(accepted).toHaveLength(23);
      expect(await app.pipeline.flush(30_000)).toBe(true);

      expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'split'")).toBe(20);
      expect(await countOf(app, "SELECT uniqExact(event_id) AS n FROM events WHERE session_id = 'split'")).toBe(20);
      expect(await countOf(app, "SELECT sum(events) AS n FROM events_per_minute WHERE site = 'portfolio' AND path = '/'")).toBe(20);

      const rejected = join(app.dataDir, 'wal', 'events', 'rejected');
      expect(readdirSync(rejected)).toHaveLength(1);
      expect(rejectedIds(rejected)).toEqual(['refused-number', 'refused-time', 'refused-time-2']);
      expect(readdirSync(join(app.dataDir, 'wal', 'events')).filter((name) => name.endsWith('.ndjson'))).toEqual([]);

      const metrics = (await app.inject('/metrics')).body;
      expect(metrics).toContain('footfall_rows_quarantined_total{table="events"} 3');
      expect(metrics).toContain('footfall_rows_quarantined_total{table="otel_traces"} 0');
      expect(metrics).toContain('footfall_batches_quarantined_total{table="events"} 1');
      expect(metrics).toContain('footfall_rows_written_total{table="events"} 20');

      const ready = await app.inject('/readyz');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'degraded', quarantined_rows: { events: 3, otel_traces: 0, metric_points: 0 } });
    } finally {
      await app.close();
    }
  });

  it('stores each row once when the batch is replayed after the process stopped mid-split', async () => {
    const dataDir = freshDataDir();
    const walDir = join(dataDir, 'wal', 'events');
    mkdirSync(walDir, { recursive: true });
    const segment = join(walDir, '00000000000000000007.ndjson');
    const lines = `${mixedRows('replay')
      .map((row) => JSON.stringify(row))
      .join('\n')}\n`;
    writeFileSync(segment, lines);
    // What a crash leaves: the segment still in the log while parts of it are already in ClickHouse.
    // A copy put back after a whole run is the worst case: every part was written before the "crash".
    const copy = join(dataDir, 'segment-copy');
    copyFileSync(segment, copy);

    const first = await testApp({ dataDir, ...ONE_BATCH });
    expect(await first.pipeline.flush(30_000)).toBe(true);
    expect(await countOf(first, "SELECT count() AS n FROM events WHERE session_id = 'replay'")).toBe(20);
    await first.close();

    copyFileSync(copy, segment);
    const second = await testApp({ dataDir, ...ONE_BATCH });
    try {
      expect(await second.pipeline.flush(30_000)).toBe(true);
      expect(await countOf(second, "SELECT count() AS n FROM events WHERE session_id = 'replay'")).toBe(20);
      expect(await countOf(second, "SELECT uniqExact(event_id) AS n FROM events WHERE session_id = 'replay'")).toBe(20);
      expect(await countOf(second, "SELECT sum(events) AS n FROM events_per_minute WHERE site = 'portfolio' AND path = '/'")).toBe(20);
      expect(rejectedIds(join(walDir, 'rejected'))).toEqual(['refused-number', 'refused-time', 'refused-time-2']);
    } finally {
      await second.close();
    }
  });
});

describe('isDataError', () => {
  it('says yes to ClickHouse refusing a row, no to ClickHouse being away', async () => {
    const app = await testApp();
    try {
      const refusal = await app.clickhouse
        .exec({ query: 'INSERT INTO events FORMAT JSONEachRow', values: Readable.from([Buffer.from('{"ts": "never"}\n')]) })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(refusal).toBeDefined();
      expect(isDataError(refusal)).toBe(true);
    } finally {
      await app.close();
    }
    // A real client and a port nobody listens on: the connection is refused.
    const away = createClient({ url: `http://127.0.0.1:${await freePort()}`, request_timeout: 2000 });
    const refused = await away.exec({ query: 'SELECT 1' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await away.close();
    expect(refused).toBeDefined();
    expect(isDataError(refused)).toBe(false);
    expect(isDataError(Object.assign(new Error('Timeout exceeded'), { type: 'TIMEOUT_EXCEEDED' }))).toBe(false);
    expect(isDataError(Object.assign(new Error('Memory limit exceeded'), { type: 'MEMORY_LIMIT_EXCEEDED' }))).toBe(false);
  });
});
