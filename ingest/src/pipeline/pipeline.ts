import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyBaseLogger } from 'fastify';
import { LogUnwritableError } from '../errors.js';
import type { Metrics } from '../metrics/registry.js';
import { TABLE_NAMES, TABLES, type RowOf, type StoredTable, type TableName } from '../tables/index.js';
import { HandoverCheck } from './handover-check.js';
import { QuarantineEraser, type QuarantineKeys } from './quarantine-erasure.js';
import { RecentIds } from './recent-ids.js';
import { TableWriter } from './table-writer.js';
import { repairRow } from './well-formed.js';

export interface PipelineOptions {
  dataDir: string;
  /** The replica's name (REPLICA_ID), the first part of every deduplication token; '' for none. */
  replicaId: string;
  batchSize: number;
  batchMaxBytes: number;
  batchIntervalMs: number;
  spoolMaxBytes: number;
  walFsyncMs: number;
  dedupCapacity: number;
  client: ClickHouseClient;
  metrics: Metrics;
  log: FastifyBaseLogger;
}

/**
 * Where accepted rows go: each new row (by key) is logged ahead and batched to its table; a row
 * seen lately is skipped. `accept` returns only once the rows are durable.
 */
/** How JSON writes a lone UTF-16 surrogate ("\\ud800"); any other text holding it is only searched in vain. */
const LONE_SURROGATE_ESCAPE = '\\ud';

/** How long a refused log write keeps the service unready, unless a write succeeds first. */
const LOG_REFUSAL_UNREADY_MS = 10_000;

export class Pipeline {
  private logRefusedAt: number | undefined;
  private readonly writers: Record<TableName, TableWriter>;
  private readonly recent: RecentIds;
  private readonly fsyncTimer: NodeJS.Timeout | undefined;
  private readonly quarantineEraser: QuarantineEraser;
  private readonly handover: HandoverCheck | undefined;

  constructor(private readonly options: PipelineOptions) {
    const walDir = join(options.dataDir, 'wal');
    const instanceId = readOrCreateInstanceId(walDir);
    this.quarantineEraser = new QuarantineEraser(walDir);
    this.recent = new RecentIds(options.dedupCapacity);
    // Replicas take turns to insert and leave out what another stored: a retry crossing replicas is stored once.
    const { replicaId, client, log } = options;
    this.handover = replicaId ? new HandoverCheck({ instance: `${replicaId}-${instanceId}`, replica: replicaId, client, log }) : undefined;
    const writers = {} as Record<TableName, TableWriter>;
    for (const table of TABLE_NAMES) {
      writers[table] = new TableWriter({
        table,
        dir: join(walDir, table),
        // Tokens are [<replica>-]<instance>-<table>-<sequence>: unique across replicas and their data folders.
        instanceId: options.replicaId ? `${options.replicaId}-${instanceId}` : instanceId,
        batchSize: options.batchSize,
        batchMaxBytes: options.batchMaxBytes,
        batchIntervalMs: options.batchIntervalMs,
        columns: (TABLES[table] as StoredTable<unknown>).columns,
        native: (TABLES[table] as StoredTable<never>).native,
        handover: this.handover,
        client: options.client,
        metrics: options.metrics,
        log: options.log,
      });
      const { keyOf } = TABLES[table] as StoredTable<unknown>;
      writers[table].forEachPendingRow((row) => this.recent.add(keyOf(row)));
    }
    this.writers = writers;
    this.handover?.start();
    if (options.walFsyncMs > 0) {
      this.fsyncTimer = setInterval(() => this.syncAll(), options.walFsyncMs);
      this.fsyncTimer.unref();
    }
    this.updateSpoolGauges();
  }

  /** Remembers the ids ClickHouse already holds from the last 25 hours (events older than 24 h are refused anyway). */
  async loadRecentIds(): Promise<number> {
    const limit = Math.floor(this.options.dedupCapacity / 2);
    const union = TABLE_NAMES.map((table) => TABLES[table].recentKeys).join(' UNION ALL ');
    const result = await this.options.client.query({
      query: `SELECT key FROM (${union}) ORDER BY at DESC LIMIT {limit:UInt32}`,
      query_params: { limit },
      format: 'JSONCompactEachRow',
    });
    const rows = await result.json<[string]>();
    // The newest ids, remembered oldest first so the newest are the last to be forgotten.
    for (const [key] of rows.reverse()) this.recent.add(key);
    return rows.length;
  }

  /** True while the spool is over its limit: new requests must be refused (503), nothing stored is dropped. */
  get full(): boolean {
    return this.pendingBytes > this.options.spoolMaxBytes;
  }

  get pendingBytes(): number {
    let bytes = 0;
    for (const table of TABLE_NAMES) bytes += this.writers[table].pendingBytes;
    return bytes;
  }

  /** Rows ClickHouse refused for their data and that were set aside since the start, by table. */
  get quarantinedRows(): Record<TableName, number> {
    const counts = {} as Record<TableName, number>;
    for (const table of TABLE_NAMES) counts[table] = this.writers[table].quarantinedRows;
    return counts;
  }

  /** Removes the rows of one person (by the keys erasure collects) from the quarantine; resolves to how many went. */
  eraseQuarantined(keys: QuarantineKeys): Promise<number> {
    return this.quarantineEraser.erase(keys);
  }

  /**
   * Stores the rows not seen before and returns them (every string made well-formed, in place).
   * The rows reach the write-ahead log with the other rows of this turn of the event loop: the
   * request must not be answered before `durable()` settles (plugins/pipeline.ts waits for it
   * before any answer goes out). Keys are remembered at once, so a copy sent in the same turn is
   * a duplicate; they are forgotten again when the disk refuses the write. `onLogged` gets the
   * rows returned once the log holds them, never when the disk refused them: what counts rows as
   * accepted waits for it.
   */
  accept<Name extends TableName>(
    table: Name,
    rows: readonly RowOf<Name>[],
    onLogged?: (stored: readonly RowOf<Name>[]) => void,
  ): RowOf<Name>[] {
    const { keyOf, serialize } = TABLES[table] as StoredTable<RowOf<Name>>;
    let lines = '';
    const stored: RowOf<Name>[] = [];
    const keys: string[] = [];
    for (const row of rows) {
      // Keys are ids, never repaired (well-formed.ts), so the key does not wait for the repair.
      const key = keyOf(row);
      // Remembered at once: a copy later in this request is a duplicate too.
      if (!this.recent.addIfNew(key)) continue;
      keys.push(key);
      lines += `${serialize(row)}\n`;
      stored.push(row);
    }
    // No row ClickHouse would refuse for its text gets in. A lone surrogate is the only text JSON
    // writes as an escape starting \ud (a real pair is written as itself), so lines without one
    // need no repair: one search over the request's lines (flattened once, as the log's write
    // needs them anyway) instead of one per line, and only the rare request with one pays for the
    // walk of its rows.
    let repaired = 0;
    if (lines.includes(LONE_SURROGATE_ESCAPE)) {
      lines = '';
      for (const row of stored) {
        let line = serialize(row);
        if (line.includes(LONE_SURROGATE_ESCAPE)) {
          const fixed = repairRow(row as object);
          if (fixed > 0) {
            repaired += fixed;
            line = serialize(row);
          }
        }
        lines += `${line}\n`;
      }
    }
    if (repaired > 0) this.options.metrics.stringsRepaired.inc({ table }, repaired);
    if (stored.length > 0) {
      this.writers[table].write(lines, stored.length, stored).then(
        () => {
          this.logRefusedAt = undefined;
          onLogged?.(stored);
        },
        (error: unknown) => {
          this.logRefusedAt = Date.now();
          for (const key of keys) this.recent.delete(key);
          this.options.log.error({ err: error, table }, 'appending to the write-ahead log failed');
        },
      );
    }
    return stored;
  }

  /**
   * True while the disk refuses the write-ahead log: since its last refused write, with no write
   * taken after it, for at most LOG_REFUSAL_UNREADY_MS. The bound matters: a load balancer that
   * stops sending on 503 would otherwise never send the write that shows the disk has room again.
   */
  get logRefusing(): boolean {
    return this.logRefusedAt !== undefined && Date.now() - this.logRefusedAt < LOG_REFUSAL_UNREADY_MS;
  }

  /**
   * Settles once every row accepted so far is in the write-ahead log; rejects with
   * LogUnwritableError when the disk refused some of them. Undefined when nothing is waiting.
   */
  durable(): Promise<void> | undefined {
    let waits: Promise<void>[] | undefined;
    for (const table of TABLE_NAMES) {
      const pending = this.writers[table].pendingWrite;
      if (pending) (waits ??= []).push(pending);
    }
    if (!waits) return undefined;
    return Promise.all(waits).then(
      () => undefined,
      (error: unknown) => {
        throw new LogUnwritableError((error as NodeJS.ErrnoException).code ?? 'unknown error');
      },
    );
  }

  /** Writes everything accepted so far; false when `timeoutMs` passed first (the rest stays spooled). */
  async flush(timeoutMs: number): Promise<boolean> {
    const results = await Promise.all(TABLE_NAMES.map((table) => this.writers[table].flush(timeoutMs)));
    this.updateSpoolGauges();
    return results.every(Boolean);
  }

  async close(timeoutMs: number): Promise<boolean> {
    clearInterval(this.fsyncTimer);
    const results = await Promise.all(TABLE_NAMES.map((table) => this.writers[table].close(timeoutMs)));
    await this.handover?.stop(results.every(Boolean));
    this.updateSpoolGauges();
    return results.every(Boolean);
  }

  updateSpoolGauges(): void {
    this.options.metrics.spoolBytes.set(this.pendingBytes);
    let segments = 0;
    for (const table of TABLE_NAMES) segments += this.writers[table].pendingBatches;
    this.options.metrics.spoolSegments.set(segments);
  }

  private syncAll(): void {
    for (const table of TABLE_NAMES) {
      this.writers[table]
        .sync()
        .catch((error: unknown) => this.options.log.error({ err: error, table }, 'fsync of the write-ahead log failed'));
    }
  }
}

/** A random id for this data directory: deduplication tokens must not repeat across directories. */
function readOrCreateInstanceId(walDir: string): string {
  mkdirSync(walDir, { recursive: true });
  const file = join(walDir, 'instance-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomBytes(8).toString('hex');
  writeFileSync(file, `${id}\n`);
  return id;
}
