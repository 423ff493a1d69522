// A client's retry that crosses replicas is stored once (pipeline/handover-check.ts): two ingest
// replicas, each a pipeline with its own data folder, instance and REPLICA_ID, write to one
// embedded engine in one process, as the replicas of a cluster write to one ClickHouse. The rollups
// count a row when it is inserted, so a copy inserted twice would be counted twice for good: each
// case holds the rollups' counts (events_per_minute, events_per_hour, events_per_day) and the raw
// rows to the distinct ids. The same steps without REPLICA_ID (no check) store the copies twice,
// which shows each case can fail. The order matters as much as the check: with each replica
// checking as soon as its batch was sealed, the two live replicas checked at once, found nothing
// and both inserted (round 0 stored 60 rows for 30 ids).
//
// A crash before the answer: the replica's first life logs the rows while its ClickHouse is away
// (a port that refuses connections, for real) and is closed without having written them, so its
// log holds them as a crash before the insert leaves it; the next start on its folder replays them.
import { randomUUID } from 'node:crypto';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { migrate } from '../src/clickhouse/migrate.js';
import { createMetrics } from '../src/metrics/registry.js';
import { Pipeline } from '../src/pipeline/pipeline.js';
import { dateTime64 } from '../src/otlp/traces/span-rows.js';
import type { EventRow, MetricPointRow, TraceRow } from '../src/tables/index.js';
import { eventRow } from './support/event-rows.js';
import type { LogRow } from '../src/otlp/logs/log-rows.js';
import { freshDataDir } from './support/test-app.js';

const SITE = 'portfolio';
const ROWS = 30;
const quiet = Fastify({ logger: false }).log;

/** `count` page views of one session, each with an id of its own. */
function visit(session: string, count = ROWS): EventRow[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, index) =>
    eventRow(
      {
        site: SITE,
        ts: now - (count - index) * 1000,
        event_id: `${session}-${index}-${randomUUID()}`,
        session_id: session,
        path: `/page-${index % 3}`,
      },
      now,
    ),
  );
}

describe('the hand-over check, two replicas on one engine', () => {
  let engineDir: string;
  let reader: ClickHouseClient;
  const clients: ClickHouseClient[] = [];
  const open: Pipeline[] = [];

  /** A replica: its own data folder, its own connection to the one engine (or to `client`). */
  async function replica(
    dataDir: string,
    replicaId: string,
    options: { batchIntervalMs?: number; spoolMaxBytes?: number; client?: ClickHouseClient } = {},
  ) {
    const client = options.client ?? (await createClickHouse({ url: undefined, dataDir: engineDir }));
    if (!options.client) clients.push(client);
    const pipeline = new Pipeline({
      dataDir,
      replicaId,
      batchSize: 20_000,
      batchMaxBytes: 64 * 1024 * 1024,
      batchIntervalMs: options.batchIntervalMs ?? 200,
      spoolMaxBytes: options.spoolMaxBytes ?? 64 * 1024 * 1024,
      walFsyncMs: 0,
      dedupCapacity: 100_000,
      client,
      metrics: createMetrics(),
      log: quiet,
    });
    open.push(pipeline);
    return pipeline;
  }

  /** Accepts the rows as a request does: answered once they are in the log. */
  async function take(pipeline: Pipeline, rows: EventRow[]): Promise<number> {
    const stored = pipeline.accept(
      'events',
      rows.map((row) => ({ ...row })),
    );
    await pipeline.durable();
    return stored.length;
  }

  /** A replica's first life that logged the rows and died before writing them: its ClickHouse refuses connections. */
  async function crashedAfterLogging(dataDir: string, replicaId: string, rows: EventRow[]): Promise<void> {
    const away = createClient({ url: 'http://127.0.0.1:1', request_timeout: 1000, log: { level: ClickHouseLogLevel.OFF } });
    const first = await replica(dataDir, replicaId, { client: away });
    expect(await take(first, rows)).toBe(rows.length);
    expect(await first.close(300)).toBe(false);
    await away.close();
  }

  /** Raw rows, distinct ids, and each rollup's count of the session's events. */
  async function counts(session: string) {
    const one = async (query: string) => {
      const result = await reader.query({ query, query_params: { site: SITE, session }, format: 'JSONEachRow' });
      return Number((await result.json<{ n: string }>())[0]!.n);
    };
    const paths = "path IN ('/page-0', '/page-1', '/page-2')";
    return {
      rows: await one('SELECT count() AS n FROM events WHERE site = {site:String} AND session_id = {session:String}'),
      ids: await one('SELECT uniqExact(event_id) AS n FROM events WHERE site = {site:String} AND session_id = {session:String}'),
      // The rollups name no session: each case empties the tables first (emptied), so they hold its rows alone.
      minute: await one(`SELECT sum(events) AS n FROM events_per_minute WHERE site = {site:String} AND ${paths}`),
      hour: await one("SELECT sum(events) AS n FROM events_per_hour WHERE site = {site:String} AND dimension = 'type'"),
      day: await one("SELECT sum(events) AS n FROM events_per_day WHERE site = {site:String} AND dimension = 'type'"),
    };
  }

  beforeAll(async () => {
    engineDir = freshDataDir();
    reader = await createClickHouse({ url: undefined, dataDir: engineDir });
    await migrate(reader);
  });

  afterAll(async () => {
    for (const pipeline of open) await pipeline.close(1000).catch(() => undefined);
    for (const client of clients) await client.close();
    await reader.close();
  });

  /** Empties the tables the counts read, so each case counts its own rows. */
  async function emptied(): Promise<void> {
    for (const table of ['events', 'events_per_minute', 'events_per_hour', 'events_per_day']) {
      await reader.command({ query: `TRUNCATE TABLE ${table}` });
    }
  }

  it('stores once the rows of a replica that crashed before answering, retried to another and replayed at its restart', async () => {
    await emptied();
    const rows = visit('crashed');
    const a = freshDataDir();
    await crashedAfterLogging(a, 'replica-a', rows);
    // The client's retry reaches replica B while A is away; B stores the rows.
    const b = await replica(freshDataDir(), 'replica-b');
    expect(await take(b, rows)).toBe(ROWS);
    expect(await b.flush(20_000)).toBe(true);
    // A restarts on its folder and replays its log through the check.
    const restarted = await replica(a, 'replica-a');
    expect(await restarted.flush(20_000)).toBe(true);
    expect(await counts('crashed')).toEqual({ rows: ROWS, ids: ROWS, minute: ROWS, hour: ROWS, day: ROWS });
  });

  it('stores them once when the replica restarts while the other still holds its copy unwritten', async () => {
    await emptied();
    const rows = visit('restart-during');
    const a = freshDataDir();
    await crashedAfterLogging(a, 'replica-a', rows);
    // B took the retry and holds it for its next batch, two seconds on; A restarts meanwhile.
    const b = await replica(freshDataDir(), 'replica-b', { batchIntervalMs: 2000 });
    expect(await take(b, rows)).toBe(ROWS);
    const restarted = await replica(a, 'replica-a');
    expect(await restarted.flush(20_000)).toBe(true);
    // A's replay took its turn after B's copy, logged before A came back, was stored.
    expect(b.pendingBytes).toBe(0);
    expect(await counts('restart-during')).toEqual({ rows: ROWS, ids: ROWS, minute: ROWS, hour: ROWS, day: ROWS });
  });

  it('stores once a retry in flight when a replica is added while all live, in each of 5 rounds', async () => {
    const a = await replica(freshDataDir(), 'replica-a', { batchIntervalMs: 500 });
    // A replica joins: the balancers move some keys to it, and a retry of rows A logged and has
    // not written yet (its answer was lost) reaches the new replica.
    const b = await replica(freshDataDir(), 'replica-b', { batchIntervalMs: 500 });
    for (let round = 0; round < 5; round++) {
      await emptied();
      const session = `moved-${round}`;
      const rows = visit(session);
      // Both hold the rows at once; odd rounds the new replica logs them first.
      const [first, second] = round % 2 === 0 ? [a, b] : [b, a];
      expect(await take(first, rows)).toBe(ROWS);
      expect(await take(second, rows)).toBe(ROWS);
      expect(await Promise.all([a.flush(20_000), b.flush(20_000)])).toEqual([true, true]);
      expect(await counts(session), `round ${round}`).toEqual({ rows: ROWS, ids: ROWS, minute: ROWS, hour: ROWS, day: ROWS });
    }
    // A retry long after, reaching a replica that never saw the rows: left out as well.
    const late = visit('late');
    await emptied();
    expect(await take(a, late)).toBe(ROWS);
    expect(await a.flush(20_000)).toBe(true);
    const c = await replica(freshDataDir(), 'replica-c');
    expect(await take(c, late)).toBe(ROWS);
    expect(await c.flush(20_000)).toBe(true);
    expect(await counts('late')).toEqual({ rows: ROWS, ids: ROWS, minute: ROWS, hour: ROWS, day: ROWS });
  });

  it('leaves out the copies of spans, log records and metric points as well, by the keys of each table', async () => {
    const now = Date.now();
    const hex = (length: number) => randomUUID().replaceAll('-', '').slice(0, length);
    const time = (offsetMs: number) => dateTime64(BigInt(now - offsetMs) * 1_000_000n);
    const spans = (count: number): TraceRow[] =>
      Array.from({ length: count }, (_, index) => ({
        Timestamp: time(index * 1000),
        TraceId: hex(32),
        SpanId: hex(16),
        ParentSpanId: '',
        TraceState: '',
        SpanName: 'GET /',
        SpanKind: 'Server',
        ServiceName: 'web',
        ResourceAttributes: {},
        ScopeName: '',
        ScopeVersion: '',
        SpanAttributes: {},
        Duration: '1000',
        StatusCode: 'Unset',
        StatusMessage: '',
        'Events.Timestamp': [],
        'Events.Name': [],
        'Events.Attributes': [],
        'Links.TraceId': [],
        'Links.SpanId': [],
        'Links.TraceState': [],
        'Links.Attributes': [],
      }));
    const records = (count: number): LogRow[] =>
      Array.from({ length: count }, (_, index) => ({
        LogId: hex(32),
        Timestamp: time(index * 1000),
        TraceId: '',
        SpanId: '',
        TraceFlags: 0,
        SeverityText: 'INFO',
        SeverityNumber: 9,
        ServiceName: 'web',
        Body: `record ${index}`,
        ResourceSchemaUrl: '',
        ResourceAttributes: {},
        ScopeSchemaUrl: '',
        ScopeName: '',
        ScopeVersion: '',
        ScopeAttributes: {},
        LogAttributes: {},
        EventName: '',
      }));
    const points = (count: number): MetricPointRow[] =>
      Array.from({ length: count }, (_, index) => ({
        point_id: hex(32),
        site: SITE,
        service_name: 'web',
        name: 'portfolio.events',
        kind: 'sum',
        ts: now - index * 1000,
        attributes: {},
        path: '/',
        value: 1,
        count: 0,
        sum: 0,
        bucket_counts: [],
        explicit_bounds: [],
      }));
    const copied = { otel_traces: spans(20), otel_logs: records(20), metric_points: points(20) } as const;
    const own = { otel_traces: spans(5), otel_logs: records(5), metric_points: points(5) } as const;
    const a = await replica(freshDataDir(), 'replica-a');
    const b = await replica(freshDataDir(), 'replica-b');
    for (const table of ['otel_traces', 'otel_logs', 'metric_points'] as const) {
      a.accept(table, copied[table] as never[]);
      // The retries reach B, with rows of its own in the same batch.
      b.accept(table, [...copied[table], ...own[table]] as never[]);
    }
    await Promise.all([a.durable(), b.durable()]);
    expect(await Promise.all([a.flush(20_000), b.flush(20_000)])).toEqual([true, true]);
    const one = async (query: string) => {
      const result = await reader.query({ query, format: 'JSONEachRow' });
      return (await result.json<{ rows: string; ids: string }>()).map(({ rows, ids }) => [Number(rows), Number(ids)]);
    };
    const traceIds = [...copied.otel_traces, ...own.otel_traces].map((span) => `'${span.TraceId}'`).join(', ');
    const logIds = [...copied.otel_logs, ...own.otel_logs].map((record) => `'${record.LogId}'`).join(', ');
    const pointIds = [...copied.metric_points, ...own.metric_points].map((point) => `'${point.point_id}'`).join(', ');
    expect(await one(`SELECT count() AS rows, uniqExact(TraceId, SpanId) AS ids FROM otel_traces WHERE TraceId IN (${traceIds})`)).toEqual([
      [25, 25],
    ]);
    expect(await one(`SELECT count() AS rows, uniqExact(LogId) AS ids FROM otel_logs WHERE LogId IN (${logIds})`)).toEqual([[25, 25]]);
    expect(await one(`SELECT count() AS rows, uniqExact(point_id) AS ids FROM metric_points WHERE point_id IN (${pointIds})`)).toEqual([
      [25, 25],
    ]);
  });

  it('keeps a batch waiting for its turn in the spool, whose bound refuses more, and writes it once its turn comes', async () => {
    await emptied();
    // X logged rows first and has not written them yet (a long batch interval): every later batch waits for it.
    const x = await replica(freshDataDir(), 'replica-x', { batchIntervalMs: 3_600_000 });
    expect(await take(x, visit('first-logged', 5))).toBe(5);
    const y = await replica(freshDataDir(), 'replica-y', { spoolMaxBytes: 4096 });
    expect(await take(y, visit('waiting'))).toBe(ROWS);
    // Real time, as in every case here: the turn is the replicas' beats through the engine. A second
    // and a half is a dozen of Y's reads of X's beat and Y's batch sealed long since.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(y.full).toBe(true);
    expect((await counts('waiting')).rows).toBe(0);
    expect(await x.flush(20_000)).toBe(true);
    expect(await y.flush(20_000)).toBe(true);
    expect(y.full).toBe(false);
    expect(await counts('waiting')).toEqual({ rows: ROWS, ids: ROWS, minute: ROWS + 5, hour: ROWS + 5, day: ROWS + 5 });
  });

  it('without REPLICA_ID (no check) the same steps store the crossed rows twice', async () => {
    await emptied();
    const rows = visit('unchecked-crash');
    const a = freshDataDir();
    await crashedAfterLogging(a, '', rows);
    const b = await replica(freshDataDir(), '');
    await take(b, rows);
    expect(await b.flush(20_000)).toBe(true);
    const restarted = await replica(a, '');
    expect(await restarted.flush(20_000)).toBe(true);
    expect(await counts('unchecked-crash')).toEqual({ rows: 2 * ROWS, ids: ROWS, minute: 2 * ROWS, hour: 2 * ROWS, day: 2 * ROWS });

    await emptied();
    const moved = visit('unchecked-moved');
    const [c, d] = [await replica(freshDataDir(), ''), await replica(freshDataDir(), '')];
    await take(c, moved);
    await take(d, moved);
    expect(await Promise.all([c.flush(20_000), d.flush(20_000)])).toEqual([true, true]);
    expect(await counts('unchecked-moved')).toEqual({ rows: 2 * ROWS, ids: ROWS, minute: 2 * ROWS, hour: 2 * ROWS, day: 2 * ROWS });
  });
});
