/**
 * Hotspots are bounded per page and day at accept time: per site, UTC day, page path and viewport
 * class, the first MAX_SELECTORS_PER_PAGE distinct selectors of `ui_click` events keep their own
 * name, and every later one is stored as OTHER_ELEMENTS (its click, tag and place are kept; only
 * the name goes), so a page with thousands of distinct elements adds at most that many names a day.
 * Places are whole percents of the document (0 to 100 each way): at most 101 × 101 cells a page.
 * Selectors are held to the privacy rules here too, whoever sent them: no query, no e-mail address.
 *
 * The names kept are in memory, learnt again at start from today's and yesterday's events (the
 * only days an event is accepted for). Each service keeps its own: N replicas keep up to N times
 * the bound.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { UI_CLICK_PROPS } from '@footfall/contract';
import { nameWithoutPrivate } from '../otlp/name-privacy.js';
import { UI_CLICK } from '../otlp/standard-telemetry.js';
import { rows as readRows } from '../stats/run-query.js';
import type { EventRow } from '../tables/index.js';

export const MAX_SELECTORS_PER_PAGE = 100;

/** The selector of the clicks past the bound: "other elements". */
export const OTHER_ELEMENTS = '';

const DAY_MS = 86_400_000;

/** The UTC day of an epoch-milliseconds time, as ClickHouse's Date reads it. */
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export class SelectorBound {
  /** The selectors with a name of their own, per site, day, path and viewport. */
  readonly #kept = new Map<string, Set<string>>();
  /** When the oldest day taken changes next (a UTC midnight): the names of older days are forgotten then. */
  #nextMidnight = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Learns which selectors of today and yesterday already have their name stored, so a restart keeps the bound. */
  async load(client: ClickHouseClient): Promise<void> {
    const stored = await readRows<{ site: string; day: string; path: string; viewport: string; selector: string }>(
      client,
      `SELECT DISTINCT site, toString(toDate(ts)) AS day, path, props['viewport'] AS viewport, props['selector'] AS selector
       FROM events WHERE type = {type:String} AND ts >= toDateTime({since:UInt32}) AND props['selector'] != ''`,
      { type: UI_CLICK, since: Math.floor(Date.parse(dayOf(this.now() - DAY_MS)) / 1000) },
    );
    for (const row of stored) {
      const kept = this.#keptOf(`${row.site}|${row.day}|${row.path}|${row.viewport}`);
      if (kept.size < MAX_SELECTORS_PER_PAGE) kept.add(row.selector);
    }
  }

  /**
   * The rows with each `ui_click`'s selector made private and held to the bound; other rows as they
   * are. The rows themselves when none changes (most requests carry no click): no copy per request.
   */
  bound(rows: readonly EventRow[]): readonly EventRow[] {
    this.#forgetOldDays();
    let out: EventRow[] | undefined;
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index]!;
      // The type first: reading a prop of another event's props is a lookup that misses.
      if (row.type !== UI_CLICK) continue;
      const raw = row.props[UI_CLICK_PROPS.selector];
      if (raw === undefined) continue;
      const selector = nameWithoutPrivate(raw);
      const kept = this.#keptOf(`${row.site}|${dayOf(row.ts)}|${row.path}|${row.props[UI_CLICK_PROPS.viewport] ?? ''}`);
      if (!kept.has(selector) && kept.size < MAX_SELECTORS_PER_PAGE) kept.add(selector);
      const stored = kept.has(selector) ? selector : OTHER_ELEMENTS;
      if (stored === raw) continue;
      out ??= rows.slice();
      out[index] = { ...row, props: { ...row.props, [UI_CLICK_PROPS.selector]: stored } };
    }
    return out ?? rows;
  }

  #keptOf(key: string): Set<string> {
    let kept = this.#kept.get(key);
    if (!kept) this.#kept.set(key, (kept = new Set()));
    return kept;
  }

  /**
   * Days before yesterday take no more events: their names need not be held. The oldest day taken
   * changes at UTC midnight only, so the names are walked once a day, not on every request (a
   * walk of every page's key).
   */
  #forgetOldDays(): void {
    const now = this.now();
    if (now < this.#nextMidnight) return;
    this.#nextMidnight = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
    const oldest = dayOf(now - DAY_MS);
    for (const key of this.#kept.keys()) if (key.split('|')[1]! < oldest) this.#kept.delete(key);
  }
}
