import {
  close,
  fsync,
  ftruncate,
  ftruncateSync,
  mkdirSync,
  renameSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  writev,
  writevSync,
} from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** A closed segment: exactly one ClickHouse batch, written once and deleted after. */
export interface Segment {
  seq: number;
  path: string;
  bytes: number;
}

const SEGMENT_NAME = /^(\d{20})\.ndjson$/;
const SEQ_DIGITS = 20;
/** Sequence numbers per millisecond of the clock: far more segments than can be sealed in one. */
const SEQ_PER_MS = 1000;
const NEWLINE = Buffer.from('\n');
/**
 * Appends up to this size are written on the event loop itself: a small write into the page cache
 * costs the main thread less than handing it to libuv's pool and being woken for its end (a
 * single-event beacon's line, about 450 bytes: about 50 µs of main-thread CPU per request less
 * at 100 requests a second). Larger ones, 50-event beacons or the rows of many requests at once
 * under load, cost more to copy than the hand-over, and go to the pool.
 */
const SYNC_APPEND_MAX_BYTES = 4096;

/**
 * The write-ahead log of one table, also its spool. Accepted rows are appended (one JSON line
 * each) to the open segment before the request is answered, so a crash of the process loses
 * nothing the OS has taken. A segment is sealed when it becomes a batch; its sequence number
 * makes the batch's deduplication token, so replaying it after a crash cannot store it twice.
 *
 * Written by hand: the disk buffers of Vector and the Collector are not libraries for Node, and
 * the segment-per-batch layout is what makes replay idempotent.
 */
export class WriteAheadLog {
  private fd: number | undefined;
  private openSeq: number;
  private openBytes = 0;
  private dirty = false;
  /** The open segment's push to the disk under way (sync), if any: a sealed segment's file is closed only after it. */
  private syncing: Promise<void> | undefined;

  private constructor(
    private readonly dir: string,
    nextSeq: number,
  ) {
    this.openSeq = nextSeq;
  }

  /**
   * Opens the log in `dir` and returns the segments a previous process left behind (all of
   * them sealed now, in order), which must be written before anything newer.
   */
  static open(dir: string): { wal: WriteAheadLog; leftover: Segment[] } {
    mkdirSync(dir, { recursive: true });
    const leftover: Segment[] = [];
    for (const name of readdirSync(dir).sort()) {
      const match = SEGMENT_NAME.exec(name);
      if (!match) continue;
      const path = join(dir, name);
      const bytes = dropTornTail(path);
      if (bytes === 0) unlinkSync(path);
      else leftover.push({ seq: Number(match[1]), path, bytes });
    }
    // A sequence number names a batch in its deduplication token, so it must never come back for
    // this directory, not even after a clean stop emptied the log: numbering starts from the clock.
    const nextSeq = Math.max((leftover.at(-1)?.seq ?? 0) + 1, Date.now() * SEQ_PER_MS);
    return { wal: new WriteAheadLog(dir, nextSeq), leftover };
  }

  /**
   * Appends complete lines (the rows of every request of one turn of the event loop) with one
   * write; `done` is called once the OS holds them all, or with the error after a failed write was
   * taken back, so the segment holds whole lines of answered requests only. A small append is
   * written at once and `done` called before this returns; a larger one off the event loop. One
   * append at a time: the caller waits for `done` before the next append or a seal.
   */
  append(chunks: Buffer[], done: (error: Error | null) => void): void {
    let fd: number;
    try {
      if (this.fd === undefined) this.fd = openSync(this.pathOf(this.openSeq), 'a');
      fd = this.fd;
    } catch (error) {
      done(error as Error);
      return;
    }
    let total = 0;
    for (const chunk of chunks) total += chunk.length;
    if (total <= SYNC_APPEND_MAX_BYTES) {
      this.appendNow(fd, chunks, total, done);
      return;
    }
    const takeBack = (error: Error) => ftruncate(fd, this.openBytes, () => done(error));
    const writeFrom = (pending: Buffer[], written: number): void => {
      writev(fd, pending, (error, bytes) => {
        if (error) return takeBack(error);
        if (written + bytes === total) {
          this.openBytes += total;
          this.dirty = true;
          return done(null);
        }
        // A short write (rare for a file): go on with what the OS did not take.
        writeFrom(remainder(pending, bytes), written + bytes);
      });
    };
    writeFrom(chunks, 0);
  }

  /** The append of a few lines, on the event loop. */
  private appendNow(fd: number, chunks: Buffer[], total: number, done: (error: Error | null) => void): void {
    try {
      let written = writevSync(fd, chunks);
      // A short write (rare for a file): go on with what the OS did not take.
      while (written < total) written += writevSync(fd, remainder(chunks, written));
    } catch (error) {
      try {
        ftruncateSync(fd, this.openBytes);
      } catch {
        // As off the event loop: the write's own error is the one reported (a pipe cannot be truncated).
      }
      done(error as Error);
      return;
    }
    this.openBytes += total;
    this.dirty = true;
    done(null);
  }

  get openSegmentBytes(): number {
    return this.openBytes;
  }

  /** The sequence number of the open segment, or of the next one to open: every sealed segment has a lower one. */
  get openSegmentSeq(): number {
    return this.openSeq;
  }

  /** Closes the open segment and returns it; undefined when it holds nothing. */
  seal(): Segment | undefined {
    const fd = this.fd;
    if (fd === undefined) return undefined;
    this.fd = undefined;
    if (this.openBytes === 0) {
      // Opened by writes that all failed: no batch to make. The empty file is reused by the next
      // append, or removed at the next start.
      close(fd, () => undefined);
      return undefined;
    }
    // Off the event loop: the rows are already safe from a crash of the process; this is for a power cut.
    const syncing = this.syncing ?? Promise.resolve();
    fsync(fd, () => void syncing.catch(() => undefined).then(() => close(fd, () => undefined)));
    const segment = { seq: this.openSeq, path: this.pathOf(this.openSeq), bytes: this.openBytes };
    this.openSeq += 1;
    this.openBytes = 0;
    this.dirty = false;
    return segment;
  }

  /**
   * Pushes appended lines to the disk itself, against a power cut, off the event loop: on the
   * main thread an fsync of a second's lines at 100 requests a second blocked it 2 ms and took
   * 0.5 ms of its CPU. Resolves once done (at once when nothing is to push; with the push under
   * way when there is one); rejects with the disk's error, and the lines are pushed at the next.
   */
  sync(): Promise<void> {
    const fd = this.fd;
    if (this.syncing || fd === undefined || !this.dirty) return this.syncing ?? Promise.resolve();
    this.dirty = false;
    this.syncing = new Promise<void>((resolve, reject) =>
      fsync(fd, (error) => {
        this.syncing = undefined;
        if (!error) return resolve();
        // Still to push, unless the segment was sealed meanwhile (sealing pushes it).
        if (this.fd === fd) this.dirty = true;
        reject(error);
      }),
    );
    return this.syncing;
  }

  read(segment: Segment): Buffer {
    return readFileSync(segment.path);
  }

  /** Off the event loop: unlinking a written batch's file (megabytes) took 2.6 % of the service's time under OTLP load. */
  async remove(segment: Segment): Promise<void> {
    await unlink(segment.path);
  }

  /**
   * Sets the lines ClickHouse refused aside, in `rejected/` under the segment's name, where they
   * stay for a person to look at, and removes the segment. Written whole, then renamed, so a
   * crash leaves either no file (the segment is replayed) or the whole file.
   */
  quarantine(segment: Segment, lines: readonly Buffer[]): string {
    const dir = join(this.dir, 'rejected');
    mkdirSync(dir, { recursive: true });
    const target = join(dir, `${String(segment.seq).padStart(SEQ_DIGITS, '0')}.ndjson`);
    const partial = `${target}.partial`;
    writeFileSync(partial, Buffer.concat(lines.flatMap((line) => [line, NEWLINE])));
    renameSync(partial, target);
    unlinkSync(segment.path);
    return target;
  }

  close(): Segment | undefined {
    return this.seal();
  }

  private pathOf(seq: number): string {
    return join(this.dir, `${String(seq).padStart(SEQ_DIGITS, '0')}.ndjson`);
  }
}

/** The chunks without their first `bytes` bytes. */
function remainder(chunks: Buffer[], bytes: number): Buffer[] {
  let skip = bytes;
  let index = 0;
  while (skip >= chunks[index]!.length) skip -= chunks[index++]!.length;
  return [chunks[index]!.subarray(skip), ...chunks.slice(index + 1)];
}

/**
 * A process killed in the middle of a write can leave half a line at the end; that request was
 * never answered, so the half line is dropped. Returns the segment's size afterwards.
 */
function dropTornTail(path: string): number {
  const size = statSync(path).size;
  if (size === 0) return 0;
  const content = readFileSync(path);
  if (content[content.length - 1] === 0x0a) return size;
  const keep = content.lastIndexOf(0x0a) + 1;
  truncateSync(path, keep);
  return keep;
}
