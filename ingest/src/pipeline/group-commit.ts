// Group commit of one table's write-ahead log: the rows every request gives in one turn of the
// event loop go to the log in one write, and each request is answered only once that write is
// done. Under load one write carries the rows of dozens of requests, made off the event loop,
// where a write per request blocked the event loop for each of them; a write of a few lines is
// made on it (wal.ts: cheaper than the hand-over to the pool).
import { inSelfTelemetryWork } from '../telemetry/self-telemetry-loop.js';
import type { WriteAheadLog } from './wal.js';

/** Rows now in the log, as one append put them there. */
export interface Appended<Part> {
  rows: number;
  /** Only the service's self-telemetry (telemetry/self-telemetry-loop.ts): its batch is written without a span. */
  ownOnly: boolean;
  /** What each add gave beside its lines (the rows in another form), in order; undefined for an add that gave none. */
  parts: Array<Part | undefined>;
}

interface Group<Part> extends Appended<Part> {
  chunks: Buffer[];
  durable: Promise<void>;
  settle: (error: Error | null) => void;
}

export class GroupCommit<Part = never> {
  private staged: Group<Part> | undefined;
  private inFlight: Group<Part> | undefined;
  private scheduled = false;
  private readonly betweenAppends: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly wal: WriteAheadLog,
    private readonly onAppended: (appended: Appended<Part>) => void,
  ) {}

  /**
   * Adds complete lines to the next write. Resolves once the OS holds them; rejects when the disk
   * refused the write, and then none of the lines of that write is in the log. `part` comes back
   * with the lines in `onAppended`, once they are in the log.
   */
  add(lines: string, rows: number, part?: Part): Promise<void> {
    const group = (this.staged ??= newGroup());
    group.chunks.push(Buffer.from(lines));
    group.parts.push(part);
    // A write holds only self-telemetry when every request in it does.
    group.ownOnly = (group.rows === 0 || group.ownOnly) && inSelfTelemetryWork();
    group.rows += rows;
    if (!this.inFlight && !this.scheduled) {
      this.scheduled = true;
      // After every request read in this turn has added its rows.
      setImmediate(() => {
        this.scheduled = false;
        this.appendStaged();
      });
    }
    return group.durable;
  }

  /**
   * Settles once everything added so far is in the log; rejects when any of it was refused (a
   * request that found its rows already added by another must not be answered before they are in).
   * Undefined when everything already is.
   */
  get pending(): Promise<void> | undefined {
    const { staged, inFlight } = this;
    if (staged && inFlight) return Promise.all([inFlight.durable, staged.durable]).then(() => undefined);
    return (staged ?? inFlight)?.durable;
  }

  /** Runs `fn` when no write is under way (at once if none is): a segment is sealed only between writes. */
  whenNoWrite(fn: () => void): void {
    if (this.inFlight) this.betweenAppends.push(fn);
    else fn();
  }

  /** Resolves once nothing is waiting to be written and no write is under way. */
  idle(): Promise<void> {
    if (!this.staged && !this.inFlight) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private appendStaged(): void {
    const group = this.staged;
    if (!group || this.inFlight) return;
    this.staged = undefined;
    this.inFlight = group;
    this.wal.append(group.chunks, (error) => {
      this.inFlight = undefined;
      if (!error) this.onAppended(group);
      group.settle(error);
      for (const fn of this.betweenAppends.splice(0)) fn();
      // What was added meanwhile is the next group, written at once.
      if (this.staged) this.appendStaged();
      else for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }
}

function newGroup<Part>(): Group<Part> {
  let settle!: (error: Error | null) => void;
  const durable = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  // Every caller handles the refusal; this keeps a group nobody waits for from being reported as unhandled.
  durable.catch(() => undefined);
  return { chunks: [], parts: [], rows: 0, ownOnly: false, durable, settle };
}
