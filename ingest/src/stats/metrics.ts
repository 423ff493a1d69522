/**
 * The headline figures, one entry each: how a raw event and a rollup bucket yield its state, and
 * how the states of every stretch merge. A new headline figure is one entry here; the builder,
 * the shaper, the comparison and the time series take it from this table.
 *
 * Visitors and visits are `uniq` of the ids' 64-bit keys (exact for small sets, within about 1 %
 * beyond tens of thousands), the same whether a stretch comes from a rollup or from raw events; a
 * rollup bucket's distinct counts are one state on its `all` row (migration 0021), its counts on
 * its `type` rows. Events without ids (Do Not Track) count as views but as nobody.
 */

export interface Metric {
  /** The state over raw `events` rows of one group. */
  raw: string;
  /** The state of one row of `events_per_hour` or `events_per_day`. */
  rollup: string;
  /** `uniq` states merge where the row carries the bucket's distinct counts; sums add up. */
  merge: 'uniq' | 'sum';
}

export const METRICS = {
  visitors: { raw: 'uniqStateIf(visitor_key, visitor_key != 0)', rollup: 'visitors', merge: 'uniq' },
  visits: { raw: 'uniqStateIf(session_key, session_key != 0)', rollup: 'visits', merge: 'uniq' },
  page_views: { raw: "countIf(type = 'page_view')", rollup: "if(dimension = 'type' AND value = 'page_view', events, 0)", merge: 'sum' },
  room_entries: { raw: "countIf(type = 'room_enter')", rollup: "if(dimension = 'type' AND value = 'room_enter', events, 0)", merge: 'sum' },
} as const satisfies Record<string, Metric>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** The headline figures of a period. */
export type Headline = Record<MetricName, number>;

export interface TimePoint extends Headline {
  /** Start of the step, epoch seconds. */
  time: number;
}
