import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyBaseLogger } from 'fastify';
import type { Metrics } from '../metrics/registry.js';
import { WriteAheadLog, type Segment } from './wal.js';

const FIRST_RETRY_MS = 200;
const LONGEST_RETRY_MS = 30_000;
/** Sealed batches kept in memory as well as on disk, so a healthy pipeline never reads back. */
const MAX_BATCH_BYTES_IN_MEMORY = 16 * 1024 * 1024;
const ATTEMPTS_BEFORE_QUARANTINE = 3;

export interface TableWriterOptions {
  table: string;
  dir: string;
  /** Names this data directory in deduplication tokens, so tokens never collide across directories. */
  instanceId: string;
  batchSize: number;
  batchIntervalMs: number;
  client: ClickHouseClient;
  metrics: Metrics;
  log: FastifyBaseLogger;
}

interface QueuedBatch extends Segment {
  rows: number;
  body: Buffer | undefined;
}

/**
 * Takes rows for one table, logs them ahead, and writes them to ClickHouse in batches, in order,
 * each batch exactly once: a failed write is retried with backoff until ClickHouse takes it,
 * while newer batches wait on disk (the spool).
 */
export class TableWriter {
  private readonly wal: WriteAheadLog;
  private readonly queue: QueuedBatch[] = [];
  private openRows = 0;
  private openChunks: Buffer[] = [];
  private queuedBytes = 0;
  private bytesInMemory = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private retryDelayMs = 0;
  private wakeUp: (() => void) | undefined;
  private closed = false;

  constructor(private readonly options: TableWriterOptions) {
    const { wal, leftover } = WriteAheadLog.open(options.dir);
    this.wal = wal;
    for (const segment of leftover) {
      const body = this.wal.read(segment);
      const rows = countLines(body);
      options.metrics.bufferRows.inc({ table: options.table }, rows);
      this.enqueue(segment, rows, this.bytesInMemory + body.length <= MAX_BATCH_BYTES_IN_MEMORY ? body : undefined);
    }
    if (leftover.length > 0) {
      options.log.info({ table: options.table, segments: leftover.length }, 'replaying write-ahead log');
      this.startSending();
    }
  }

  /** Appends rows (one JSON object per line, each ending in a newline). Durable on return. */
  write(lines: string, rows: number): void {
    if (this.closed) throw new Error(`writer for ${this.options.table} is closed`);
    this.openChunks.push(this.wal.append(lines));
    this.openRows += rows;
    this.options.metrics.bufferRows.inc({ table: this.options.table }, rows);
    if (this.openRows >= this.options.batchSize) this.sealBatch();
    else this.timer ??= setTimeout(() => this.sealBatch(), this.options.batchIntervalMs);
  }

  /** Bytes accepted and not yet in ClickHouse. */
  get pendingBytes(): number {
    return this.queuedBytes + this.wal.openSegmentBytes;
  }

  get pendingBatches(): number {
    return this.queue.length;
  }

  /** Calls `fn` with every row waiting in the spool (at start-up: what a previous process left). */
  forEachPendingRow(fn: (row: Record<string, unknown>) => void): void {
    for (const batch of this.queue) {
      const body = batch.body ?? this.wal.read(batch);
      for (const line of body.toString('utf8').split('\n')) if (line) fn(JSON.parse(line));
    }
  }

  /** fsync the open segment (a sealed one is synced when sealed). */
  sync(): void {
    this.wal.sync();
  }

  /**
   * Writes everything accepted so far. Resolves true when ClickHouse has it all, false when
   * `timeoutMs` passed first (what is left stays in the spool for the next start).
   */
  async flush(timeoutMs: number): Promise<boolean> {
    this.sealBatch();
    const deadline = Date.now() + timeoutMs;
    this.wakeUp?.();
    while (this.queue.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.queue.length === 0;
  }

  async close(timeoutMs: number): Promise<boolean> {
    const flushed = await this.flush(timeoutMs);
    this.closed = true;
    this.wakeUp?.();
    await this.sending;
    this.wal.close();
    return flushed;
  }

  private sealBatch(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const segment = this.wal.seal();
    if (!segment) return;
    // Keep the batch in memory while that stays small; a long outage spills it to the disk only.
    const keep = this.bytesInMemory + segment.bytes <= MAX_BATCH_BYTES_IN_MEMORY;
    this.enqueue(segment, this.openRows, keep ? Buffer.concat(this.openChunks) : undefined);
    this.openRows = 0;
    this.openChunks = [];
    this.startSending();
  }

  private enqueue(segment: Segment, rows: number, body: Buffer | undefined): void {
    this.queue.push({ ...segment, rows, body });
    this.queuedBytes += segment.bytes;
    if (body) this.bytesInMemory += body.length;
  }

  private startSending(): void {
    this.sending ??= this.sendAll().finally(() => {
      this.sending = undefined;
    });
  }

  private async sendAll(): Promise<void> {
    let dataErrors = 0;
    while (this.queue.length > 0 && !this.closed) {
      const batch = this.queue[0]!;
      const outcome = await this.send(batch);
      if (outcome === 'data error') dataErrors += 1;
      if (outcome === 'written' || dataErrors >= ATTEMPTS_BEFORE_QUARANTINE) {
        this.queue.shift();
        this.queuedBytes -= batch.bytes;
        if (batch.body) this.bytesInMemory -= batch.body.length;
        if (outcome === 'written') this.wal.remove(batch);
        else this.quarantine(batch);
        this.retryDelayMs = 0;
        dataErrors = 0;
      } else {
        this.retryDelayMs = Math.min(LONGEST_RETRY_MS, Math.max(FIRST_RETRY_MS, this.retryDelayMs * 2));
        await this.sleep(this.retryDelayMs * (0.5 + Math.random() / 2));
      }
    }
  }

  /**
   * A batch ClickHouse refuses for its content (not for being away) would block every batch
   * behind it forever: after a few tries it is moved aside, kept on disk and reported.
   */
  private quarantine(batch: QueuedBatch): void {
    const { table, metrics, log } = this.options;
    const path = this.wal.quarantine(batch);
    metrics.bufferRows.dec({ table }, batch.rows);
    metrics.batchesQuarantined.inc({ table });
    log.error({ table, seq: batch.seq, rows: batch.rows, path }, 'ClickHouse keeps refusing this batch; it was moved aside');
  }

  private async send(batch: QueuedBatch): Promise<'written' | 'data error' | 'unavailable'> {
    const { table, client, metrics, log, instanceId } = this.options;
    const body = batch.body ?? this.wal.read(batch);
    const rows = batch.rows;
    const stopTimer = metrics.writeDuration.startTimer({ table });
    try {
      const result = await client.exec({
        query: `INSERT INTO ${table} FORMAT JSONEachRow`,
        values: Readable.from([body], { objectMode: false }),
        clickhouse_settings: {
          // The same batch sent again (a retry after a timeout, a replay after a crash) is stored once,
          // in the table and in the rollups fed from it.
          insert_deduplication_token: `${instanceId}-${table}-${batch.seq}`,
          deduplicate_blocks_in_dependent_materialized_views: 1,
        },
      });
      result.stream.destroy();
      stopTimer();
      metrics.batchesWritten.inc({ table });
      metrics.rowsWritten.inc({ table }, rows);
      metrics.bufferRows.dec({ table }, rows);
      return 'written';
    } catch (error) {
      metrics.writeFailures.inc({ table });
      log.warn({ err: error, table, seq: batch.seq, rows }, 'writing a batch to ClickHouse failed; it stays in the spool');
      return isDataError(error) ? 'data error' : 'unavailable';
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function countLines(body: Buffer): number {
  let lines = 0;
  for (let index = body.indexOf(0x0a); index !== -1; index = body.indexOf(0x0a, index + 1)) lines += 1;
  return lines;
}

/** ClickHouse's answer that the rows themselves are wrong (as opposed to it being away or busy). */
function isDataError(error: unknown): boolean {
  const type = (error as { type?: unknown }).type;
  return typeof type === 'string' && /PARSE|INCORRECT_DATA|TYPE_MISMATCH|OUT_OF_RANGE|ILLEGAL_|TOO_LARGE/.test(type);
}
