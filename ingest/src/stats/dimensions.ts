/**
 * The breakdowns of page views, one entry each: the row a raw page view gives it (the rollups'
 * `dimension, value, value2, value3`, migration 0010), which rows can be shown, the answer's
 * field and the shape of one of its rows. A new breakdown is one entry here (and, to be read from
 * the rollups, one more row in their views; until then its `rollup` is false and it is read raw).
 */
import { count } from './run-query.js';

/** A merged row of the breakdowns' query. */
export interface BreakdownRow {
  dimension: string;
  value: string;
  value2: string;
  value3: string;
  visitors: string;
  views: string;
  /** The same value's figures over the compared period (build-sql.ts's breakdownsSql reads both). */
  previous_visitors: string;
  previous_views: string;
}

export interface Dimension {
  /** The `(dimension, value, value2, value3)` tuple of a raw page view. */
  raw: string;
  /** The answer's field for the list. */
  field: string;
  /** Ranked by views (pages, steps between pages) rather than by visitors. */
  byViews?: boolean;
  shape: (row: BreakdownRow) => Record<string, string | number>;
}

const visitors = (row: BreakdownRow) => count(row.visitors);

export const DIMENSIONS = {
  page: {
    raw: "('page', path, '', '')",
    field: 'top_pages',
    byViews: true,
    shape: (row) => ({ path: row.value, visitors: visitors(row), views: count(row.views) }),
  },
  // A step between pages is a page view that names the page before it (`nav_from`: the tracker's
  // `from`, or a referrer on the site's own origins); its visitors are never merged.
  flow: {
    raw: "('flow', nav_from, path, '')",
    field: 'flows',
    byViews: true,
    shape: (row) => ({ from: row.value, to: row.value2, count: count(row.views) }),
  },
  source: {
    raw: "('source', toString(referrer_host), '', '')",
    field: 'sources',
    shape: (row) => ({ source: row.value, visitors: visitors(row) }),
  },
  campaign: {
    raw: "('campaign', toString(utm_source), toString(utm_medium), toString(utm_campaign))",
    field: 'campaigns',
    shape: (row) => ({ source: row.value, medium: row.value2, campaign: row.value3, visitors: visitors(row) }),
  },
  country: {
    raw: "('country', toString(country), '', '')",
    field: 'countries',
    shape: (row) => ({ country: row.value, visitors: visitors(row) }),
  },
  device: {
    raw: "('device', toString(device), '', '')",
    field: 'devices',
    shape: (row) => ({ device: row.value, visitors: visitors(row) }),
  },
  browser: {
    raw: "('browser', toString(browser), '', '')",
    field: 'browsers',
    shape: (row) => ({ browser: row.value, visitors: visitors(row) }),
  },
  os: { raw: "('os', toString(os), '', '')", field: 'operating_systems', shape: (row) => ({ os: row.value, visitors: visitors(row) }) },
} as const satisfies Record<string, Dimension>;

export type DimensionName = keyof typeof DIMENSIONS;
export const DIMENSION_NAMES = Object.keys(DIMENSIONS) as DimensionName[];

/** A ranked row with its change against the compared period (shape-answer.ts); null when that period had none. */
export type Ranked<Row> = Row & { change: number | null };

export interface PageViewsBy {
  top_pages: Array<Ranked<{ path: string; visitors: number; views: number }>>;
  flows: Array<Ranked<{ from: string; to: string; count: number }>>;
  sources: Array<Ranked<{ source: string; visitors: number }>>;
  campaigns: Array<Ranked<{ source: string; medium: string; campaign: string; visitors: number }>>;
  countries: Array<Ranked<{ country: string; visitors: number }>>;
  devices: Array<Ranked<{ device: string; visitors: number }>>;
  browsers: Array<Ranked<{ browser: string; visitors: number }>>;
  operating_systems: Array<Ranked<{ os: string; visitors: number }>>;
}
