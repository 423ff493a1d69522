/**
 * How long a table's open batch waits for more rows before it is sealed and inserted.
 *
 * Every insert costs the engine a fixed amount whatever its size (about 77 ms of CPU for `events`
 * with its rollup views, measured by `ingest/bench/insert-cost.ts`, against about 6 µs a row), so
 * at 5,000 events a second one insert a second spends 15 µs per event on that fixed part alone.
 * A quiet site keeps the short wait (`batchIntervalMs`, 1 s by default): its events show within a
 * second and the fixed cost is small in total. A busy table waits `BUSY_FACTOR` times longer, so
 * the fixed cost is shared by five times as many rows; its figures are then up to that much later.
 * A batch that fills (`batchSize`) is sealed at once either way.
 */

/** A table is busy when its last batch came in at this many rows a second or more. */
export const BUSY_ROWS_PER_SECOND = 1000;
/** How many intervals a busy table's batch waits. */
export const BUSY_FACTOR = 5;

export class BatchPacing {
  private busy = false;

  constructor(private readonly intervalMs: number) {}

  /** How long the batch just opened waits before it is sealed. */
  get waitMs(): number {
    return this.busy ? this.intervalMs * BUSY_FACTOR : this.intervalMs;
  }

  /**
   * Notes a sealed batch: `rows` that came in over `openMs`. A batch sealed early (full, or by a
   * flush) is judged over one interval at least, so a flush of a few rows never counts as busy.
   */
  sealed(rows: number, openMs: number): void {
    const seconds = Math.max(openMs, this.intervalMs) / 1000;
    this.busy = rows / seconds >= BUSY_ROWS_PER_SECOND;
  }
}
