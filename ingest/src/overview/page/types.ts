// The shapes the read API answers with, as the page reads them (see the README's "Stats").

export interface Headline {
  visitors: number;
  visits: number;
  page_views: number;
  room_entries: number;
}

export interface TimePoint extends Headline {
  time: number;
}

/** Filters by name (`page`, `source`, `country`, `device`, `browser`) and value. */
export type Filters = Record<string, string>;

export const FILTER_LABELS: Record<string, string> = {
  page: 'Page',
  source: 'Source',
  country: 'Country',
  device: 'Device',
  browser: 'Browser',
};

export interface Stats extends Headline {
  site: string;
  range: string;
  filters: Filters;
  previous: Headline;
  bounce_rate: number;
  visit_duration_s: number;
  active_visitors: number;
  top_pages: Array<{ path: string; visitors: number; views: number }>;
  entry_pages: Array<{ path: string; visits: number }>;
  exit_pages: Array<{ path: string; visits: number }>;
  flows: Array<{ from: string; to: string; count: number }>;
  sources: Array<{ source: string; visitors: number }>;
  campaigns: Array<{ source: string; medium: string; campaign: string; visitors: number }>;
  countries: Array<{ country: string; visitors: number }>;
  devices: Array<{ device: string; visitors: number }>;
  browsers: Array<{ browser: string; visitors: number }>;
  objects: Array<{ object: string; room: string; views: number; clicks: number; click_rate: number | null }>;
  never_clicked: string[];
  seen_never_clicked: string[];
  refused: Array<{ reason: string; value: string; count: number }>;
  timeseries: TimePoint[];
  timeseries_step_s: number;
}

export interface Sites {
  sites: Array<{ id: string }>;
  ranges: string[];
}

export type Metric = keyof Headline;
