import { rmSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyBaseLogger } from 'fastify';
import { isEmbedded } from '../clickhouse/client.js';
import type { Metrics } from '../metrics/registry.js';
import { traceBatchWrite, traceInsert } from '../telemetry/pipeline-spans.js';
import { insertFile, insertLines, insertNativeFile, type LineColumns, writeNativeFile } from './batch-insert.js';
import { BatchPacing } from './batch-pacing.js';
import { isDataError } from './clickhouse-errors.js';
import { GroupCommit, type Appended } from './group-commit.js';
import type { HandoverCheck } from './handover-check.js';
import { ColumnBuffers, type NativeBlock, NativeBlockBuilder, type NativeLayout } from './native-block.js';
import { insertSplittingRefusedRows, type InsertOutcome } from './split-insert.js';
import { WriteAheadLog, type Segment } from './wal.js';

const FIRST_RETRY_MS = 200;
/** `[`: a line that is a JSON array. */
const ARRAY_START = 0x5b;
const LONGEST_RETRY_MS = 30_000;
/**
 * Native blocks of sealed batches are kept in memory up to this many bytes in all (a full batch of
 * 100,000 `events` rows is about 20 MiB: one being inserted and the next); a batch sealed beyond
 * it, while ClickHouse is away, is inserted from its JSON segment alone.
 */
const NATIVE_HELD_BYTES = 32 * 1024 * 1024;
/** The file beside the segments that the embedded engine reads a batch's Native block from: one insert at a time. */
const NATIVE_FILE = 'insert.native';

export interface TableWriterOptions {
  table: string;
  dir: string;
  /** Names this data directory in deduplication tokens, so tokens never collide across directories. */
  instanceId: string;
  batchSize: number;
  /** A batch is sealed once its segment holds this many bytes, however few rows (wide rows: spans). */
  batchMaxBytes: number;
  batchIntervalMs: number;
  /** The columns of the table's lines when they are JSON arrays (tables/stored-table.ts); objects when undefined. */
  columns?: readonly string[];
  /** The same columns as a Native block's: the embedded engine then reads a batch still in memory as one. */
  native?: NativeLayout<never>;
  /** With REPLICA_ID: each batch waits its turn among the replicas and leaves out the rows another stored. */
  handover?: HandoverCheck;
  client: ClickHouseClient;
  metrics: Metrics;
  log: FastifyBaseLogger;
}

interface QueuedBatch extends Segment {
  rows: number;
  /** The columns its lines hold, when they are arrays; a segment logged by an older release may hold objects, or fewer columns. */
  columns: LineColumns;
  /** Holds only the service's own telemetry: written without a span (telemetry/self-telemetry-loop.ts). */
  ownOnly?: boolean;
  /** When its first row was logged; 0 when an earlier process logged it. */
  first: number;
  /** Its rows as one Native block, when every row of its segment was encoded in this process (and memory allowed), and the builder whose buffers hold it. */
  native?: { block: NativeBlock; builder: NativeBlockBuilder<never> };
}

/**
 * Takes rows for one table, logs them ahead, and writes them to ClickHouse in batches, in order,
 * each batch exactly once: a failed write is retried with backoff until ClickHouse takes it,
 * while newer batches wait on disk (the spool).
 */
export class TableWriter {
  private readonly wal: WriteAheadLog;
  private readonly commit: GroupCommit<readonly unknown[]>;
  /** The embedded engine reads each batch from its segment file; a server gets it over HTTP. */
  private readonly embedded: boolean;
  /** The layout of a Native block, when batches are sent so (the embedded engine, a table that has one). */
  private readonly native: NativeLayout<never> | undefined;
  /** The open segment's Native block being built; undefined when some of its rows could not be encoded. */
  private openNative: NativeBlockBuilder<never> | undefined;
  /** Column buffers of inserted blocks, for the next batches'. */
  private readonly nativeBuffers = new ColumnBuffers();
  private nativeHeldBytes = 0;
  private readonly queue: QueuedBatch[] = [];
  private openRows = 0;
  /** When the open segment took its first row. */
  private openSince = 0;
  private readonly pacing: BatchPacing;
  private openOwnOnly = false;
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private retryDelayMs = 0;
  private wakeUp: (() => void) | undefined;
  private closed = false;
  private quarantined = 0;

  constructor(private readonly options: TableWriterOptions) {
    const { wal, leftover } = WriteAheadLog.open(options.dir);
    this.wal = wal;
    this.commit = new GroupCommit(wal, (appended) => this.appended(appended));
    this.embedded = isEmbedded(options.client);
    // A server is sent the JSON lines: it parses them on its own machine, and this one is spared the encoding.
    this.native = this.embedded && options.columns ? options.native : undefined;
    // What a process killed during an insert left: the block is in memory only, the segment is replayed.
    rmSync(join(options.dir, NATIVE_FILE), { force: true });
    this.pacing = new BatchPacing(options.batchIntervalMs);
    // Zero from the start, so an alert on an increase sees the first quarantined row.
    options.metrics.rowsQuarantined.inc({ table: options.table }, 0);
    for (const segment of leftover) {
      const body = this.wal.read(segment);
      const rows = countLines(body);
      options.metrics.bufferRows.inc({ table: options.table }, rows);
      this.enqueue(segment, rows, false, this.columnsOf(body), 0);
    }
    options.handover?.watch(
      options.table,
      () => this.queue[0] ?? (this.openRows > 0 ? { seq: this.wal.openSegmentSeq, first: this.openSince } : undefined),
    );
    if (leftover.length > 0) {
      options.log.info({ table: options.table, segments: leftover.length }, 'replaying write-ahead log');
      this.startSending();
    }
  }

  /**
   * Appends rows (one JSON object per line, each ending in a newline) with the other rows of this
   * turn of the event loop. Resolves once they are in the log; rejects when the disk refused them,
   * and then none of them is. `records` are the same rows as objects: given, they go into the
   * batch's Native block once the log holds their lines (a millisecond or so later: nothing changes
   * a row once it is accepted), so only what the segment holds is in the block.
   */
  write(lines: string, rows: number, records?: readonly unknown[]): Promise<void> {
    if (this.closed) throw new Error(`writer for ${this.options.table} is closed`);
    return this.commit.add(lines, rows, this.native ? records : undefined);
  }

  /** Settles once every row given so far is in the log (or refused); undefined when it already is. */
  get pendingWrite(): Promise<void> | undefined {
    return this.commit.pending;
  }

  /** Rows now in the open segment: a batch once there are enough of them, or once the interval passed. */
  private appended({ rows, ownOnly, parts }: Appended<readonly unknown[]>): void {
    this.openOwnOnly = (this.openRows === 0 || this.openOwnOnly) && ownOnly;
    if (this.openRows === 0) {
      this.openSince = Date.now();
      this.openNative = this.native && new NativeBlockBuilder(this.native, this.nativeBuffers);
    }
    this.addToBlock(parts);
    this.openRows += rows;
    this.options.metrics.bufferRows.inc({ table: this.options.table }, rows);
    if (this.openRows >= this.options.batchSize || this.wal.openSegmentBytes >= this.options.batchMaxBytes) this.sealBatch();
    else this.timer ??= setTimeout(() => this.sealBatch(), this.pacing.waitMs);
  }

  /** Bytes accepted and not yet in ClickHouse. */
  get pendingBytes(): number {
    return this.queuedBytes + this.wal.openSegmentBytes;
  }

  /** Rows set aside since the start because ClickHouse refused them for their content. */
  get quarantinedRows(): number {
    return this.quarantined;
  }

  get pendingBatches(): number {
    return this.queue.length;
  }

  /** Calls `fn` with every row waiting in the spool (at start-up: what a previous process left). */
  forEachPendingRow(fn: (row: Record<string, unknown>) => void): void {
    for (const batch of this.queue) {
      const body = this.wal.read(batch);
      const { columns } = batch;
      for (const line of body.toString('utf8').split('\n')) {
        if (!line) continue;
        const parsed: unknown = JSON.parse(line);
        if (!columns) fn(parsed as Record<string, unknown>);
        else fn(Object.fromEntries(columns.map((column, index) => [column, (parsed as unknown[])[index]])));
      }
    }
  }

  /**
   * What a segment's lines are, from its first line: objects, or arrays of as many of the table's
   * columns as they hold (a column is only ever added at the end).
   */
  private columnsOf(body: Buffer): LineColumns {
    const { columns } = this.options;
    if (!columns || body[0] !== ARRAY_START) return undefined;
    const end = body.indexOf(0x0a);
    const values = (JSON.parse(body.subarray(0, end === -1 ? body.length : end).toString('utf8')) as unknown[]).length;
    return values === columns.length ? columns : columns.slice(0, values);
  }

  /** fsync the open segment, off the event loop (a sealed one is synced when sealed). */
  sync(): Promise<void> {
    return this.wal.sync();
  }

  /**
   * Writes everything accepted so far. Resolves true when ClickHouse has it all, false when
   * `timeoutMs` passed first (what is left stays in the spool for the next start). Rows accepted
   * after the call are not waited for: under steady traffic the spool is seldom empty, and an
   * erasure needs only what came before it.
   */
  async flush(timeoutMs: number): Promise<boolean> {
    await this.commit.idle();
    // The last segment holding rows accepted so far: the open one, or the last sealed one.
    const lastSeq = this.wal.openSegmentBytes > 0 ? this.wal.openSegmentSeq : this.wal.openSegmentSeq - 1;
    const written = () => this.wal.openSegmentSeq > lastSeq && !this.queue.some((batch) => batch.seq <= lastSeq);
    this.sealBatch();
    const deadline = Date.now() + timeoutMs;
    this.wakeUp?.();
    while (!written() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return written();
  }

  async close(timeoutMs: number): Promise<boolean> {
    const flushed = await this.flush(timeoutMs);
    this.closed = true;
    this.wakeUp?.();
    await this.sending;
    await this.commit.idle();
    this.wal.close();
    return flushed;
  }

  /** Seals the open segment into a batch, between two writes of the log. */
  private sealBatch(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.commit.whenNoWrite(() => {
      const segment = this.wal.seal();
      if (!segment) return;
      this.enqueue(segment, this.openRows, this.openOwnOnly, this.options.columns, this.openSince, this.sealNative());
      this.pacing.sealed(this.openRows, Date.now() - this.openSince);
      this.openRows = 0;
      this.startSending();
    });
  }

  private enqueue(
    segment: Segment,
    rows: number,
    ownOnly: boolean,
    columns: LineColumns,
    first: number,
    native?: QueuedBatch['native'],
  ): void {
    this.queue.push({ ...segment, rows, ownOnly, columns, first, native });
    this.queuedBytes += segment.bytes;
  }

  /** Rows now in the open segment, into its Native block. */
  private addToBlock(parts: ReadonlyArray<readonly unknown[] | undefined>): void {
    if (!this.openNative) return;
    try {
      for (const part of parts) {
        // Rows given without their objects: the block would miss them.
        if (!part) throw new Error('rows without their objects');
        this.openNative.add(part as readonly never[]);
      }
    } catch {
      // One row not encoded (NotEncodable, or anything else) and the whole batch goes as its JSON
      // lines, which the engine checks: a batch is one insert of one token.
      this.openNative = undefined;
    }
  }

  /** The open segment's Native block, when all its rows were encoded and memory allows one more. */
  private sealNative(): QueuedBatch['native'] {
    const builder = this.openNative;
    this.openNative = undefined;
    if (!builder) return undefined;
    if (this.nativeHeldBytes >= NATIVE_HELD_BYTES) {
      builder.release();
      return undefined;
    }
    const block = builder.build();
    this.nativeHeldBytes += block.bytes;
    return { block, builder };
  }

  /** A batch's Native block is let go once its insert was answered: a retry of its parts reads the segment. */
  private releaseNative(batch: QueuedBatch): void {
    if (!batch.native) return;
    this.nativeHeldBytes -= batch.native.block.bytes;
    batch.native.builder.release();
    batch.native = undefined;
  }

  private startSending(): void {
    this.sending ??= this.sendAll().finally(() => {
      this.sending = undefined;
    });
  }

  private async sendAll(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const batch = this.queue[0]!;
      try {
        const refused = await traceBatchWrite(this.options.table, batch.rows, batch.ownOnly === true, () => this.writeBatch(batch));
        if (refused.length > 0) this.quarantine(batch, refused);
        else await this.wal.remove(batch);
      } catch (error) {
        if (error instanceof WriterClosed) return; // the batch stays in the log and is replayed at the next start
        // The disk refused to read the batch or to set rows aside: the batch stays where it is, tried again later.
        this.options.log.error(
          { err: error, table: this.options.table, seq: batch.seq },
          'a batch could not be finished; trying again later',
        );
        await this.sleep(LONGEST_RETRY_MS);
        continue;
      }
      this.queue.shift();
      // Nothing more to write: the column buffers kept for the next batch go (memory at rest).
      if (this.queue.length === 0 && this.openRows === 0) this.nativeBuffers.clear();
      this.queuedBytes -= batch.bytes;
      this.options.metrics.bufferRows.dec({ table: this.options.table }, batch.rows);
      this.options.handover?.stored();
    }
  }

  /**
   * Writes one batch whole, read by the embedded engine from its segment or sent to a server;
   * when ClickHouse refuses it for its data, halves it (inline inserts, from the segment read back)
   * until the refused rows stand alone, and returns those.
   */
  private async writeBatch(batch: QueuedBatch): Promise<Buffer[]> {
    const { client, table, handover } = this.options;
    const token = this.tokenOf(batch);
    const { columns } = batch;
    let kept: Buffer | undefined;
    const whole = await this.insertUntilAnswered(batch.rows, token, async () => {
      kept = await handover?.keptLines(table, batch, columns, () => this.closed);
      if (kept) return kept.length > 0 ? insertLines(client, table, kept, token, columns) : undefined;
      if (batch.native && (await this.insertNative(batch.native.block, token))) return;
      return this.embedded
        ? insertFile(client, table, batch.path, token, columns)
        : insertLines(client, table, await readFile(batch.path), token, columns);
    });
    this.releaseNative(batch);
    if (whole === 'written') return [];
    const body = kept ?? (await readFile(batch.path));
    const insertPart = (part: Buffer, rows: number, partToken: string) =>
      this.insertUntilAnswered(rows, partToken, () => insertLines(client, table, part, partToken, columns));
    return insertSplittingRefusedRows(body, token, insertPart, true);
  }

  /**
   * Inserts a batch's Native block from a file beside the segments, with the batch's token; false
   * when the file could not be written (the segment is inserted instead). Its file goes once the
   * insert is answered, whatever the answer.
   */
  private async insertNative(block: NativeBlock, token: string): Promise<boolean> {
    const path = join(this.options.dir, NATIVE_FILE);
    try {
      await writeNativeFile(path, block);
    } catch (error) {
      this.options.log.warn(
        { err: error, table: this.options.table },
        'a Native block could not be written; the batch is inserted from its segment',
      );
      await rm(path, { force: true }).catch(() => undefined);
      return false;
    }
    try {
      await insertNativeFile(this.options.client, this.options.table, path, token, this.options.columns!);
    } finally {
      await rm(path, { force: true });
    }
    return true;
  }

  /** Names a batch in ClickHouse: the same batch sent again (a retry, a replay after a crash) is stored once. */
  private tokenOf(batch: QueuedBatch): string {
    return `${this.options.instanceId}-${this.options.table}-${batch.seq}`;
  }

  /**
   * Rows ClickHouse refuses for their content (not for being away) would block every batch behind
   * them for ever: they alone are moved aside, kept on disk for a person and reported.
   */
  private quarantine(batch: QueuedBatch, refused: Buffer[]): void {
    const { table, metrics, log } = this.options;
    // Set aside as objects naming their columns, whatever the log held: for a person to read.
    const { columns } = batch;
    const path = this.wal.quarantine(batch, columns ? refused.map((line) => namedLine(line, columns)) : refused);
    this.quarantined += refused.length;
    metrics.batchesQuarantined.inc({ table });
    metrics.rowsQuarantined.inc({ table }, refused.length);
    log.error(
      { table, seq: batch.seq, rows: batch.rows, refusedRows: refused.length, path },
      'ClickHouse refused some rows of a batch for their content; those rows were set aside, the others written',
    );
  }

  /**
   * One insert, retried with backoff while ClickHouse is away, until ClickHouse either takes the
   * rows or refuses them for their content. Throws WriterClosed when the writer closes meanwhile.
   */
  private async insertUntilAnswered(rows: number, token: string, send: () => Promise<void>): Promise<InsertOutcome> {
    for (;;) {
      const outcome = await traceInsert(this.options.table, rows, () => this.insert(rows, token, send));
      if (outcome !== 'unavailable') {
        this.retryDelayMs = 0;
        return outcome;
      }
      if (this.closed) throw new WriterClosed();
      this.retryDelayMs = Math.min(LONGEST_RETRY_MS, Math.max(FIRST_RETRY_MS, this.retryDelayMs * 2));
      await this.sleep(this.retryDelayMs * (0.5 + Math.random() / 2));
      if (this.closed) throw new WriterClosed();
    }
  }

  private async insert(rows: number, token: string, send: () => Promise<void>): Promise<InsertOutcome | 'unavailable'> {
    const { table, metrics, log } = this.options;
    const stopTimer = metrics.writeDuration.startTimer({ table });
    try {
      await send();
      stopTimer();
      metrics.batchesWritten.inc({ table });
      metrics.rowsWritten.inc({ table }, rows);
      return 'written';
    } catch (error) {
      metrics.writeFailures.inc({ table });
      if (isDataError(error)) {
        log.warn({ err: error, table, token, rows }, 'ClickHouse refused rows for their content; splitting them to find the refused ones');
        return 'refused for its data';
      }
      log.warn({ err: error, table, token, rows }, 'writing a batch to ClickHouse failed; it stays in the spool');
      return 'unavailable';
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

/** An array line as the JSON object of its columns; the line as it is when it cannot be read so. */
function namedLine(line: Buffer, columns: readonly string[]): Buffer {
  try {
    const values = JSON.parse(line.toString('utf8')) as unknown[];
    return Buffer.from(JSON.stringify(Object.fromEntries(columns.map((column, index) => [column, values[index]]))));
  } catch {
    return line;
  }
}

function countLines(body: Buffer): number {
  let lines = 0;
  for (let index = body.indexOf(0x0a); index !== -1; index = body.indexOf(0x0a, index + 1)) lines += 1;
  return lines;
}

/** Thrown out of an insert loop when the writer closes while ClickHouse is away. */
class WriterClosed extends Error {}
