// The hand-over check (only with REPLICA_ID): a client's retry that reaches another replica than
// the one that logged its first copy (a replica crashed before answering, a replica joined or
// left and the balancers moved the key) must not be inserted twice, since the rollups' views
// count a row when it is inserted. Before each insert a replica waits until every live replica has
// stored every row it logged before this batch's first row (their heartbeats say so:
// replica-heartbeats.ts), then leaves out the ids ClickHouse already holds and inserts the rest.
// Of two copies of one row, the one logged first (by time, then instance) is thus stored before
// the other is checked, which finds it: nothing is ever inserted twice, whatever the routing did,
// and the waiting is the order, not a window to guess. A batch logged before this replica's last
// start (or a gap in its beats, when the others may have taken it for gone) counts as logged at
// its first beat after, so it waits for what the others took meanwhile.
import { readFile } from 'node:fs/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyBaseLogger } from 'fastify';
import { type StoredTable, TABLES, type TableName } from '../tables/index.js';
import type { LineColumns } from './batch-insert.js';
import { ReplicaHeartbeats } from './replica-heartbeats.js';

/** Rows asked for in one query: a server takes query parameters in the URL, which it bounds (1 MiB); 10,000 ids take about 450 KiB. */
const IDS_PER_QUERY = 10_000;
/**
 * A filter on the sharding key's columns lets a Distributed read skip the other shards, when the
 * combinations of its values are at most this many (optimize_skip_unused_shards_limit's default).
 */
const SHARD_COMBINATIONS = 1000;

/** A batch waiting in a table's spool, as the check orders it. */
export interface PendingBatch {
  seq: number;
  /** When its first row was logged (epoch ms); 0 for a batch an earlier process left. */
  first: number;
}

export interface HandoverCheckOptions {
  instance: string;
  replica: string;
  client: ClickHouseClient;
  log: FastifyBaseLogger;
  intervalMs?: number;
  liveMs?: number;
}

export class HandoverCheck {
  readonly heartbeats: ReplicaHeartbeats;
  private readonly oldest = new Map<TableName, () => PendingBatch | undefined>();
  /** The batch of each table being inserted and the moment it was ordered at: it keeps it until stored. */
  private readonly ordered = new Map<TableName, PendingBatch>();

  constructor(private readonly options: HandoverCheckOptions) {
    this.heartbeats = new ReplicaHeartbeats({ ...options, storedBefore: () => this.storedBefore() });
  }

  /** Counts a table's oldest batch not yet in ClickHouse (or its open segment) in this replica's beat. */
  watch(table: string, oldest: () => PendingBatch | undefined): void {
    this.oldest.set(table as TableName, oldest);
  }

  start(): void {
    this.heartbeats.start();
  }

  stop(allStored: boolean): Promise<void> {
    return this.heartbeats.stop(allStored);
  }

  /** A table stored its oldest batch: the others may be waiting for this replica's beat to say so. */
  stored(): void {
    this.heartbeats.beatNow();
  }

  /**
   * Once the batch's turn has come, the lines of the batch that ClickHouse does not hold yet;
   * undefined when it holds none of them (the batch goes in whole, from its file). Throws when
   * ClickHouse is away (the insert is tried again, check and all) or `closed` says so.
   */
  async keptLines(
    table: string,
    batch: PendingBatch & { path: string },
    columns: LineColumns,
    closed: () => boolean,
  ): Promise<Buffer | undefined> {
    // Ordered afresh at each try: a gap in this replica's beats since the last try moves it later.
    this.ordered.delete(table as TableName);
    for (let waited = false; ; waited = true) {
      if (closed()) throw new Error(`writer for ${table} is closed`);
      const at = this.orderOf(table as TableName, batch);
      if (this.turnOf(at)) {
        this.ordered.set(table as TableName, { seq: batch.seq, first: at });
        break;
      }
      // A replica waiting on this one's last beat learns at once that this one has rows of a later moment.
      if (!waited) this.heartbeats.beatNow();
      await this.heartbeats.poll();
    }
    const body = await readFile(batch.path);
    const lines = body.toString('utf8').split('\n');
    const keys: string[] = [];
    const rows: Record<string, unknown>[] = [];
    const { keyOf } = TABLES[table as TableName] as StoredTable<unknown> as StoredTable<Record<string, unknown>>;
    const { reads } = STORED_KEYS[table as TableName];
    // Only the columns the key and the query read: a row of 25 columns made whole cost twice the parse.
    const positions = columns ? reads.map((column) => columns.indexOf(column)) : undefined;
    for (const line of lines) {
      if (!line) continue;
      const parsed: unknown = JSON.parse(line);
      let row = parsed as Record<string, unknown>;
      if (positions) {
        row = {};
        for (let index = 0; index < reads.length; index++) row[reads[index]!] = (parsed as unknown[])[positions[index]!];
      }
      rows.push(row);
      keys.push(keyOf(row));
    }
    const stored = await this.storedKeys(table as TableName, rows);
    // Only this batch's keys count: a stored row matching an id of the batch under another site is no copy of it.
    const alreadyStored = keys.reduce((count, key) => (stored.has(key) ? count + 1 : count), 0);
    if (alreadyStored === 0) return undefined;
    this.options.log.info(
      { table, seq: batch.seq, rows: rows.length, alreadyStored },
      'rows ClickHouse already held (a copy from another replica, or an earlier try of this batch) were left out of it',
    );
    let kept = '';
    let index = 0;
    for (const line of lines) {
      if (!line) continue;
      if (!stored.has(keys[index]!)) kept += `${line}\n`;
      index += 1;
    }
    return Buffer.from(kept);
  }

  /** The moment a batch is ordered at: when it was logged, or this replica's last return, whichever is later. */
  private orderOf(table: TableName, batch: PendingBatch): number {
    const ordered = this.ordered.get(table);
    if (ordered?.seq === batch.seq) return ordered.first;
    return Math.max(batch.first, this.heartbeats.aliveSince ?? Date.now());
  }

  /** What this replica's beat says it stored: every row it logged before the moment its oldest batch is ordered at. */
  private storedBefore(): number {
    let before = Date.now();
    for (const [table, oldest] of this.oldest) {
      const batch = oldest();
      if (batch) before = Math.min(before, this.orderOf(table, batch));
    }
    return before;
  }

  /**
   * Whether every other live replica has stored what it logged before `at`, on beats read after
   * `at` (a replica that started meanwhile is seen). Equal moments go by instance, so of two
   * batches one is always first. Never while this replica's own beats lag (its writes fail or
   * crawl while its reads work): the others may be counting it gone and not waiting for it.
   */
  private turnOf(at: number): boolean {
    const { heartbeats } = this;
    if (heartbeats.aliveSince === undefined || heartbeats.readAt <= at) return false;
    if (Date.now() - (heartbeats.beatAt ?? 0) > heartbeats.liveMs / 2) return false;
    return heartbeats.live.every(
      (other) => other.storedBefore > at || (other.storedBefore === at && other.instance > this.options.instance),
    );
  }

  /** The keys of rows ClickHouse holds among these rows (and maybe a few more, matching one of their ids only). */
  private async storedKeys(table: TableName, rows: Record<string, unknown>[]): Promise<Set<string>> {
    const stored = new Set<string>();
    const { query } = STORED_KEYS[table];
    for (let start = 0; start < rows.length; start += IDS_PER_QUERY) {
      const asked = query(rows.slice(start, start + IDS_PER_QUERY));
      const result = await this.options.client.query({ ...asked, format: 'JSONCompactEachRow' });
      for (const [key] of await result.json<[string]>()) stored.add(key);
    }
    return stored;
  }
}

interface KeysQuery {
  /** The columns of a row the key and the query read. */
  reads: readonly string[];
  /** The query of which of these rows' keys are stored, each row's key as keyOf makes it (a few more rows may come back). */
  query: (rows: Record<string, unknown>[]) => { query: string; query_params: Record<string, unknown> };
}

/** The least and the greatest of a column's values in these rows (numbers, or times written alike as text). */
function bounds<Value extends number | string>(rows: Record<string, unknown>[], column: string): { from: Value; to: Value } {
  let from = rows[0]![column] as Value;
  let to = from;
  for (const row of rows) {
    const value = row[column] as Value;
    if (value < from) from = value;
    if (value > to) to = value;
  }
  return { from, to };
}

const distinct = (rows: Record<string, unknown>[], column: string) => [...new Set(rows.map((row) => row[column] as string))];

/**
 * Which of the rows each table holds, asked by their ids and narrowed by what its sort key or
 * indexes find fast, so a query reads the granules of the batch's sites and times instead of a
 * day of the table. Events, the table the rollups count, are asked for by session as well when
 * that names few shards: on a cluster the session is in the sharding key.
 */
const STORED_KEYS: Record<TableName, KeysQuery> = {
  events: {
    reads: ['site', 'event_id', 'session_id', 'ts'],
    query: (rows) => {
      const sites = distinct(rows, 'site');
      const sessions = distinct(rows, 'session_id');
      const bySession = sites.length * sessions.length <= SHARD_COMBINATIONS;
      return {
        query: `SELECT concat('e|', site, '|', event_id) FROM events
          WHERE site IN {sites:Array(String)} ${bySession ? 'AND session_id IN {sessions:Array(String)}' : ''}
            AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts <= fromUnixTimestamp64Milli({to:Int64})
            AND event_id IN {ids:Array(String)}`,
        query_params: { sites, ...(bySession ? { sessions } : {}), ...bounds<number>(rows, 'ts'), ids: distinct(rows, 'event_id') },
      };
    },
  },
  // By trace id, which the table's bloom filter index finds.
  otel_traces: {
    reads: ['TraceId', 'SpanId'],
    query: (rows) => ({
      query: `SELECT concat('s|', TraceId, SpanId) FROM otel_traces
        WHERE TraceId IN {traces:Array(String)} AND SpanId IN {spans:Array(String)}`,
      query_params: { traces: distinct(rows, 'TraceId'), spans: distinct(rows, 'SpanId') },
    }),
  },
  metric_points: {
    reads: ['point_id', 'site', 'ts'],
    query: (rows) => ({
      query: `SELECT concat('m|', point_id) FROM metric_points
        WHERE site IN {sites:Array(String)}
          AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts <= fromUnixTimestamp64Milli({to:Int64})
          AND point_id IN {ids:Array(String)}`,
      query_params: { sites: distinct(rows, 'site'), ...bounds<number>(rows, 'ts'), ids: distinct(rows, 'point_id') },
    }),
  },
  // Timestamps are written 'YYYY-MM-DD hh:mm:ss.nnnnnnnnn' (otlp/traces/span-rows.ts): their order as text is their order in time.
  otel_logs: {
    reads: ['LogId', 'Timestamp'],
    query: (rows) => ({
      query: `SELECT concat('l|', LogId) FROM otel_logs
        WHERE Timestamp >= {from:DateTime64(9, 'UTC')} AND Timestamp <= {to:DateTime64(9, 'UTC')} AND LogId IN {ids:Array(String)}`,
      query_params: { ...bounds<string>(rows, 'Timestamp'), ids: distinct(rows, 'LogId') },
    }),
  },
};
