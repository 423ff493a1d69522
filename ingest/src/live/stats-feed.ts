/**
 * One computation per (site, period, compare, filters) and interval, shared by every live stream that shows it.
 * Without it each stream ran its own queries: 500 streams took /api/stats from 62 ms to over a
 * minute, and the backlog ran on after they left. A tick that finds the previous computation
 * still running is skipped, so slow queries never pile up; the last answer is handed to streams
 * that join meanwhile. Requests for /api/stats made while the same computation runs share it too,
 * and so does any request within one interval of the last answer (a page load asks /api/stats,
 * then opens its stream: one computation, not two; a thousand clients asking the same summary
 * cost one computation per interval). Answers are at most one interval old, as on a stream.
 */
import { activeFilters, type Filters } from '../stats/filters.js';
import type { Stats } from '../stats/stats.js';
import type { StatsPeriod } from '../stats/summary-period.js';

/** What a summary is of: a site, a period and the filters. */
export type StatsQuery = StatsPeriod & {
  site: string;
  filters?: Filters;
};

/** Summaries kept for reuse within their interval; filters make the keys unbounded, so this bounds them. */
export const MAX_RECENT_SUMMARIES = 64;

export type ComputeStats = (query: StatsQuery) => Promise<Stats>;
export type StatsListener = (stats: Stats) => void;

interface Feed {
  listeners: Set<StatsListener>;
  timer: NodeJS.Timeout | undefined;
  last: Stats | undefined;
  /** A tick is waiting for a computation to hand to every listener. */
  delivering: boolean;
}

export class StatsFeed {
  readonly #feeds = new Map<string, Feed>();
  /** Computations under way, by site and range, whether a stream or a request started them. */
  readonly #running = new Map<string, Promise<Stats>>();
  /** The last answer of each recent key and when it was computed (epoch ms), oldest first. */
  readonly #recent = new Map<string, { stats: Stats; at: number }>();
  /** How many times the summary was computed: what a test or a metric can count. */
  computations = 0;
  /** Counts erasures: a computation started before one may have read rows it removed. */
  #generation = 0;

  constructor(
    private readonly compute: ComputeStats,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Calls `listener` with the summary now (the last one, or the next one) and after every interval, until the returned function is called. */
  subscribe(query: StatsQuery, listener: StatsListener): () => void {
    const key = keyOf(query);
    let feed = this.#feeds.get(key);
    if (!feed) {
      feed = { listeners: new Set(), timer: undefined, last: undefined, delivering: false };
      this.#feeds.set(key, feed);
      feed.timer = setInterval(() => void this.#tick(query), this.intervalMs);
    }
    feed.listeners.add(listener);
    feed.last ??= this.#fresh(key);
    if (feed.last) listener(feed.last);
    else void this.#tick(query);
    const joined = feed;
    return () => {
      joined.listeners.delete(listener);
      if (joined.listeners.size === 0 && this.#feeds.get(key) === joined) {
        clearInterval(joined.timer);
        this.#feeds.delete(key);
      }
    };
  }

  /**
   * The summary: the last one when it is younger than one interval (unless `fresh`), else a
   * computation already under way for the same query, else a new one.
   */
  current(query: StatsQuery, { fresh = false } = {}): Promise<Stats> {
    const key = keyOf(query);
    const recent = fresh ? undefined : this.#fresh(key);
    if (recent) return Promise.resolve(recent);
    const running = this.#running.get(key);
    if (running) return running;
    this.computations += 1;
    const generation = this.#generation;
    const started = this.compute(query)
      .then((stats) => {
        if (generation === this.#generation) this.#remember(key, stats);
        return stats;
      })
      .finally(() => {
        if (this.#running.get(key) === started) this.#running.delete(key);
      });
    this.#running.set(key, started);
    return started;
  }

  /**
   * Drops every kept answer (after an erasure, whose rows they may still count or list): the
   * recent ones, each stream's last one, and the computations under way, whose answers are then
   * neither kept nor handed to a stream. Every summary asked for afterwards is computed afresh.
   */
  forget(): void {
    this.#generation += 1;
    this.#recent.clear();
    this.#running.clear();
    for (const feed of this.#feeds.values()) feed.last = undefined;
  }

  #fresh(key: string): Stats | undefined {
    const recent = this.#recent.get(key);
    return recent && Date.now() - recent.at < this.intervalMs ? recent.stats : undefined;
  }

  #remember(key: string, stats: Stats): void {
    this.#recent.delete(key);
    this.#recent.set(key, { stats, at: Date.now() });
    if (this.#recent.size > MAX_RECENT_SUMMARIES) this.#recent.delete(this.#recent.keys().next().value!);
  }

  /** Open feeds (one per site, range and filters being streamed). */
  get size(): number {
    return this.#feeds.size;
  }

  close(): void {
    for (const feed of this.#feeds.values()) clearInterval(feed.timer);
    this.#feeds.clear();
    this.#recent.clear();
  }

  /** Hands one computation to every listener; a tick while one is being handed out does nothing. */
  async #tick(query: StatsQuery): Promise<void> {
    const feed = this.#feeds.get(keyOf(query));
    if (!feed || feed.delivering) return;
    feed.delivering = true;
    try {
      let generation: number;
      let stats: Stats;
      // An erasure that came meanwhile may have removed rows this summary shows: computed again.
      do {
        generation = this.#generation;
        stats = await this.current(query, { fresh: true });
      } while (generation !== this.#generation);
      feed.last = stats;
      for (const listener of feed.listeners) listener(stats);
    } catch (error) {
      this.onError(error);
    } finally {
      feed.delivering = false;
    }
  }
}

function keyOf(query: StatsQuery): string {
  return JSON.stringify([query.site, query.range, query.from, query.to, query.compare ?? 'previous', activeFilters(query.filters ?? {})]);
}
