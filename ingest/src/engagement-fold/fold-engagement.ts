/**
 * The job that folds the room's engagement path off the insert path (issue 30: a materialized view
 * would slow every insert, and a click's next action is known only once the visit went on): it
 * writes, for every click of an object in a visit, the visit's next action into
 * `engagement_steps` (migrations 0066), which the read (stats/engagement.ts) takes instead of
 * sorting every visit's actions at each read.
 *
 * What is folded is told by the engine's insert mark (`events.inserted_at`, 0064), never by an
 * event's own times: a span folds every visit that has an event inserted after the watermark and
 * up to a bound (SETTLE_MS before now) and none after the bound, reading all of the visit's
 * events, then stores the bound as the new watermark (`fold_watermarks`, 0067). A visit with an
 * event inserted after the watermark (a late event, a replayed spool, a retry, a visit going on)
 * is read from raw events by the read, and folded by a later span, its rows replacing the old ones
 * (ReplacingMergeTree on `folded_at`). So the read is exact whatever arrives late, and a restart
 * goes on from the stored watermark (a span cut short is folded again: its rows replace themselves).
 *
 * The work of a round is bounded: when more events than MAX_EVENTS_PER_ROUND wait, they are split
 * by their time into slices, one slice a round, and the watermark moves once every slice is done.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { OUTSIDE_BLOCK_CACHE } from '../clickhouse/read-pool.js';
import { FOLD_JOB, NOT_ACTIONS } from '../stats/engagement.js';
import { count, rows } from '../stats/run-query.js';

/**
 * Events of a span a round takes at most (one slice of them): what bounds the rows a round's
 * window sorts (the actions of the slice's visits that clicked, about a third of its events on
 * the read benchmark's store) and how long it holds the engine. A round also reads the session
 * keys of the whole table, so fewer, larger slices cost less: catching up with 10 million events
 * took 37 s of CPU in 20 rounds of 500,000, 170 s in 63 rounds of 160,000.
 */
export const MAX_EVENTS_PER_ROUND = 500_000;
/**
 * How far behind the engine's clock the watermark stays. An insert marks its rows when it begins
 * and they are seen once it ends, so a round must not read up to rows of inserts still under way
 * (the writer gives up an insert after 30 s: clickhouse/client.ts; the embedded engine runs one
 * statement at a time, so there none is under way while a round reads). And a visit is folded
 * once it has been quiet that long: one going on would be folded again at every round.
 */
export const SETTLE_MS = 120_000;

/** A DateTime64(3) as ClickHouse writes it in JSON, and takes it back as a bound parameter. */
type Mark = string;

/**
 * The span waiting for a fold: the events inserted in `(from, to]`, in slices by their time
 * (`bounds`: where each slice after the first begins).
 */
interface Pending {
  from: Mark;
  to: Mark;
  /** Events inserted in the span: what the work is counted by. */
  events: number;
  bounds: Mark[];
  slices: number;
  next: number;
}

export interface FoldRound {
  /** Events inserted in the span folded (all its slices). */
  events: number;
  /** The slice folded by this round, of the span's slices (0 of 0: nothing arrived). */
  slice: number;
  slices: number;
  /** The new watermark when this round finished its span, else undefined. */
  watermark: Mark | undefined;
}

/**
 * The visits a slice folds: those with an event inserted in the span, at a time within the slice,
 * none inserted after the span (a visit an event reached since is read raw, and folded with a
 * later span), and a click of an object (the others have no path). A visit with events in two
 * slices is folded by both, alike.
 */
const SLICE_VISITS = `SELECT session_key FROM events
  WHERE inserted_at > {from:DateTime64(3, 'UTC')} AND inserted_at <= {to:DateTime64(3, 'UTC')} AND session_key != 0
    AND ts >= {lower:DateTime64(3, 'UTC')} AND ts < {upper:DateTime64(3, 'UTC')}
    AND session_key NOT IN (SELECT session_key FROM events WHERE inserted_at > {to:DateTime64(3, 'UTC')})
    AND session_key IN (SELECT session_key FROM events WHERE type = 'object_click' AND session_key != 0)`;

/**
 * The clicks of the slice's visits, each with the visit's next action. A slice's visits are near
 * in time, so the engine reads the columns of the window only in the granules that hold their
 * events (PREWHERE), not in every granule of the table. The sets of visit keys are not used for
 * index analysis (`session_key` leads no index): building that for every clicked visit of the
 * table (about 890,000 on 10 million events) was most of a round, 1.3 s of CPU whatever was new;
 * the slice's query took 643 to 682 ms without it against 1,579 to 1,904, with the same rows.
 */
const FOLD_SLICE = `
INSERT INTO engagement_steps (site, session_key, click_id, ts, object, next_ts, type, path, object_id, nav_to, props, folded_at)
SELECT site, session_key, event_id, ts, object_id, next.1, next.2, next.3, next.4, next.5, next.6, {to:DateTime64(3, 'UTC')}
FROM (
  SELECT site, session_key, event_id, ts, type, object_id,
         leadInFrame((ts, type, path, object_id, nav_to, props)) OVER visit AS next
  FROM events
  PREWHERE session_key IN (${SLICE_VISITS})
  WHERE type NOT IN {not_actions:Array(String)}
  WINDOW visit AS (PARTITION BY site, session_key ORDER BY ts, event_id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)
)
WHERE type = 'object_click'
SETTINGS use_index_for_in_with_subqueries = 0`;

/** Beyond every time a DateTime64 holds: the upper bound of the last slice and the lower of the first. */
const EARLIEST: Mark = '1900-01-01 00:00:00.000';
const LATEST: Mark = '2299-12-31 23:59:59.999';

export class EngagementFold {
  private pending: Pending | undefined;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: { settleMs?: number; maxEventsPerRound?: number } = {},
  ) {}

  /** Whether slices of a span begun wait (the next round should come soon). */
  get behind(): boolean {
    return this.pending !== undefined;
  }

  /**
   * One bounded round: the next slice of the span waiting; a new span when none waits. Rounds
   * run one after the other (the timer's and a caller's), never two on one span at once: a slice
   * skipped would leave visits unfolded under the watermark.
   */
  round(): Promise<FoldRound> {
    const round = this.last.then(() => this.foldNext());
    this.last = round.catch(() => undefined);
    return round;
  }

  private last: Promise<unknown> = Promise.resolve();

  /**
   * Runs `fn` between rounds: after the round under way, and before any asked for meanwhile. An
   * erasure runs so: a round that read a visit's events before they were deleted would otherwise
   * write its steps back after the erasure deleted them.
   */
  between<T>(fn: () => Promise<T>): Promise<T> {
    const done = this.last.then(fn);
    this.last = done.catch(() => undefined);
    return done;
  }

  private async foldNext(): Promise<FoldRound> {
    const pending = this.pending ?? (await this.begin());
    if (!pending) return { events: 0, slice: 0, slices: 0, watermark: undefined };
    this.pending = pending;
    const slice = pending.next;
    await this.client.command({
      query: FOLD_SLICE,
      query_params: {
        from: pending.from,
        to: pending.to,
        lower: slice === 0 ? EARLIEST : pending.bounds[slice - 1],
        upper: pending.bounds[slice] ?? LATEST,
        not_actions: NOT_ACTIONS,
      },
    });
    pending.next += 1;
    let watermark: Mark | undefined;
    if (pending.next >= pending.slices) {
      // Stored once every slice is folded: a restart before it folds the span again.
      await this.client.command({
        query: "INSERT INTO fold_watermarks (job, watermark) VALUES ({job:String}, {to:DateTime64(3, 'UTC')})",
        query_params: { job: FOLD_JOB, to: pending.to },
      });
      watermark = pending.to;
      this.pending = undefined;
    }
    return { events: pending.events, slice, slices: pending.slices, watermark };
  }

  /** Rounds until the watermark is within the settle time of now: what a test or a benchmark waits for. */
  async catchUp(): Promise<FoldRound[]> {
    const done: FoldRound[] = [];
    do done.push(await this.round());
    while (this.pending);
    return done;
  }

  /** Forgets a span begun (another replica holds the lease now): the next round starts from the stored watermark. */
  forget(): void {
    this.pending = undefined;
  }

  /** The stored watermark; the epoch when nothing was folded yet. */
  async watermark(): Promise<Mark> {
    const [row] = await rows<{ watermark: Mark }>(
      this.client,
      `SELECT max(watermark) AS watermark FROM fold_watermarks WHERE job = {job:String} ${OUTSIDE_BLOCK_CACHE}`,
      { job: FOLD_JOB },
    );
    return row!.watermark;
  }

  /** The span after the watermark up to the engine's clock less the settle time, and what arrived in it; undefined when empty. */
  private async begin(): Promise<Pending | undefined> {
    const from = await this.watermark();
    const [span] = await rows<{ to: Mark; events: string }>(
      this.client,
      `WITH now64(3, 'UTC') - toIntervalMillisecond({settle_ms:UInt32}) AS to
       SELECT to, count() AS events FROM events WHERE inserted_at > {from:DateTime64(3, 'UTC')} AND inserted_at <= to
       ${OUTSIDE_BLOCK_CACHE}`,
      { from, settle_ms: this.options.settleMs ?? SETTLE_MS },
    );
    // Nothing arrived: the watermark stays (what arrives later is after it all the same).
    if (!span || count(span.events) === 0) return undefined;
    const events = count(span.events);
    const slices = Math.ceil(events / (this.options.maxEventsPerRound ?? MAX_EVENTS_PER_ROUND));
    let bounds: Mark[] = [];
    if (slices > 1) {
      // Equal numbers of events a slice, cut at the quantiles of their times.
      const levels = Array.from({ length: slices - 1 }, (_, index) => (index + 1) / slices);
      const [cut] = await rows<{ bounds: Mark[] }>(
        this.client,
        `SELECT quantilesExact(${levels.join(', ')})(ts) AS bounds FROM events
         WHERE inserted_at > {from:DateTime64(3, 'UTC')} AND inserted_at <= {to:DateTime64(3, 'UTC')}
         ${OUTSIDE_BLOCK_CACHE}`,
        { from, to: span.to },
      );
      bounds = cut!.bounds;
    }
    return { from, to: span.to, events, bounds, slices, next: 0 };
  }
}
