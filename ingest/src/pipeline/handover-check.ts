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

/** Ids asked for in one query: a server takes query parameters in the URL, which it bounds (1 MiB). */
const KEYS_PER_QUERY = 5000;

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
    this.heartbeats.stored();
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
    for (;;) {
      if (closed()) throw new Error(`writer for ${table} is closed`);
      const at = this.orderOf(table as TableName, batch);
      if (this.turnOf(at)) {
        this.ordered.set(table as TableName, { seq: batch.seq, first: at });
        break;
      }
      await this.heartbeats.poll();
    }
    const body = await readFile(batch.path);
    const lines = body.toString('utf8').split('\n');
    const keys: string[] = [];
    const rows: Record<string, unknown>[] = [];
    const { keyOf } = TABLES[table as TableName] as StoredTable<unknown> as StoredTable<Record<string, unknown>>;
    for (const line of lines) {
      if (!line) continue;
      const parsed: unknown = JSON.parse(line);
      const row = columns
        ? Object.fromEntries(columns.map((column, index) => [column, (parsed as unknown[])[index]]))
        : (parsed as Record<string, unknown>);
      rows.push(row);
      keys.push(keyOf(row));
    }
    const stored = await this.storedKeys(table as TableName, rows, keys);
    if (stored.size === 0) return undefined;
    this.options.log.info(
      { table, seq: batch.seq, rows: rows.length, alreadyStored: stored.size },
      'rows another replica stored were left out of a batch',
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

  /** The keys of these rows that ClickHouse holds. */
  private async storedKeys(table: TableName, rows: Record<string, unknown>[], keys: string[]): Promise<Set<string>> {
    const stored = new Set<string>();
    for (let start = 0; start < keys.length; start += KEYS_PER_QUERY) {
      const { query, query_params } = STORED_KEYS[table](
        rows.slice(start, start + KEYS_PER_QUERY),
        keys.slice(start, start + KEYS_PER_QUERY),
      );
      const result = await this.options.client.query({ query, query_params, format: 'JSONCompactEachRow' });
      for (const [key] of await result.json<[string]>()) stored.add(key);
    }
    return stored;
  }
}

type KeysQuery = (rows: Record<string, unknown>[], keys: string[]) => { query: string; query_params: Record<string, unknown> };

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
 * Which of the keys each table holds, narrowed by what its sort key or indexes find fast, so a
 * query reads the few granules of the batch's sites and times instead of a day of the table.
 * Events, the table the rollups count, are asked for by session as well: on a cluster the session
 * names the shard, so one shard is read per session.
 */
const STORED_KEYS: Record<TableName, KeysQuery> = {
  events: (rows, keys) => ({
    query: `SELECT concat('e|', site, '|', event_id) AS key FROM events
      WHERE site IN {sites:Array(String)} AND session_id IN {sessions:Array(String)}
        AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts <= fromUnixTimestamp64Milli({to:Int64})
        AND key IN {keys:Array(String)}`,
    query_params: { sites: distinct(rows, 'site'), sessions: distinct(rows, 'session_id'), ...bounds<number>(rows, 'ts'), keys },
  }),
  // By trace id, which the table's bloom filter index finds.
  otel_traces: (rows, keys) => ({
    query: `SELECT concat('s|', TraceId, SpanId) AS key FROM otel_traces
      WHERE TraceId IN {traces:Array(String)} AND key IN {keys:Array(String)}`,
    query_params: { traces: distinct(rows, 'TraceId'), keys },
  }),
  metric_points: (rows, keys) => ({
    query: `SELECT concat('m|', point_id) AS key FROM metric_points
      WHERE site IN {sites:Array(String)}
        AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts <= fromUnixTimestamp64Milli({to:Int64})
        AND key IN {keys:Array(String)}`,
    query_params: { sites: distinct(rows, 'site'), ...bounds<number>(rows, 'ts'), keys },
  }),
  // Timestamps are written 'YYYY-MM-DD hh:mm:ss.nnnnnnnnn' (otlp/traces/span-rows.ts): their order as text is their order in time.
  otel_logs: (rows, keys) => ({
    query: `SELECT concat('l|', LogId) AS key FROM otel_logs
      WHERE Timestamp >= {from:DateTime64(9, 'UTC')} AND Timestamp <= {to:DateTime64(9, 'UTC')} AND key IN {keys:Array(String)}`,
    query_params: { ...bounds<string>(rows, 'Timestamp'), keys },
  }),
};
