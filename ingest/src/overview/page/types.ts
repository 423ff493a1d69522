// The shapes the read API answers with, as the page reads them (see docs/api.md, "Stats"): the
// stats module's own types where it has them (type-only imports, erased from the page's bundle).
import type { PageViewsBy } from '../../stats/dimensions.js';
import type { Headline, TimePoint } from '../../stats/metrics.js';

export type { Headline, TimePoint };

/** Filters by name (`page`, `source`, `country`, `device`, `browser`) and value. */
export type Filters = Record<string, string>;

export const FILTER_LABELS: Record<string, string> = {
  page: 'Page',
  source: 'Source',
  country: 'Country',
  device: 'Device',
  browser: 'Browser',
  prop: 'Property',
  goal: 'Goal',
};

export interface Stats extends Headline, Omit<PageViewsBy, 'operating_systems'> {
  site: string;
  range: string;
  filters: Filters;
  /** The period read, epoch seconds; `to` null for a rolling range. */
  period: { from: number; to: number | null };
  compare: 'previous' | 'year';
  time_zone: string;
  previous: Headline & { bounce_rate: number; visit_duration_s: number };
  changes: Record<keyof Headline | 'bounce_rate' | 'visit_duration_s', number | null>;
  partial?: string;
  bounce_rate: number;
  visit_duration_s: number;
  active_visitors: number;
  entry_pages: Array<{ path: string; visits: number; change: number | null }>;
  exit_pages: Array<{ path: string; visits: number; change: number | null }>;
  objects: Array<{
    object: string;
    label: string;
    room: string;
    room_label: string;
    views: number;
    clicks: number;
    click_rate: number | null;
  }>;
  /** The catalog's labels by id, for the lists of ids. */
  labels: { objects: Record<string, string>; rooms: Record<string, string> };
  never_clicked: string[];
  seen_never_clicked: string[];
  refused: Array<{ reason: string; value: string; site: string; count: number; others: boolean; hint: string }>;
  timeseries: TimePoint[];
  /** The compared period's series, its n-th point beside `timeseries`' n-th. */
  previous_timeseries: TimePoint[];
  timeseries_step_s: number;
}

export interface Sites {
  /** Each site and the ids of its catalog objects. */
  sites: Array<{ id: string; objects: string[] }>;
  ranges: string[];
}

export type Metric = keyof Headline;
