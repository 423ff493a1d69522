// The lists of what visitors did beyond page views: the outbound links and the downloads they
// followed, and how far down each page they read and for how long (the summary's event lists,
// ingest/src/stats/event-lists.ts). Each fills a `[data-engagement-list]` section; when a
// comparison is shown, each row's change as the other ranked lists show theirs.

import { renderRankedList, shareOf, type RankedList } from './ranked-list.js';

/** The summary's fields these lists read. */
export interface EngagementStats {
  visitors: number;
  outbound_links: Array<{ url: string; visitors: number; clicks: number; change: number | null }>;
  downloads: Array<{ file: string; url: string; visitors: number; clicks: number; change: number | null }>;
  page_engagement: Array<{ path: string; visits: number; scroll_depth: number | null; time_on_page_s: number; change: number | null }>;
}

/** A URL as a row's label: host and path, the scheme is noise. */
const shortUrl = (url: string): string => url.replace(/^https?:\/\//, '');

// Each row's change is of its first figure, the one it is ranked by (visitors, or visits).
const LISTS: Record<string, (stats: EngagementStats, compared: boolean) => RankedList> = {
  outbound_links: (s, compared) => ({
    title: 'Outbound links',
    columns: ['Link', 'Visitors', 'Clicks'],
    rows: s.outbound_links.map((r) => ({
      label: shortUrl(r.url),
      values: [r.visitors, r.clicks],
      change: compared ? r.change : undefined,
      rankedBy: 0,
      share: shareOf(r.visitors, s.visitors, []),
    })),
    empty: 'No visitor followed a link to another site in this range.',
  }),
  downloads: (s, compared) => ({
    title: 'Downloads',
    columns: ['File', 'Visitors', 'Clicks'],
    rows: s.downloads.map((r) => ({
      label: r.file || shortUrl(r.url),
      detail: shortUrl(r.url),
      values: [r.visitors, r.clicks],
      change: compared ? r.change : undefined,
      rankedBy: 0,
      share: shareOf(r.visitors, s.visitors, []),
    })),
    empty: 'No file was downloaded in this range.',
  }),
  page_engagement: (s, compared) => ({
    title: 'Reading',
    columns: ['Page', 'Visits', 'Depth', 'Seconds'],
    // A page no visit measured a depth for shows none (a dash would not be a number): its detail says so.
    rows: s.page_engagement.map((r) => ({
      label: r.path || '(none)',
      detail: r.scroll_depth === null ? 'depth not measured' : undefined,
      values: [r.visits, Math.round(r.scroll_depth ?? 0), Math.round(r.time_on_page_s)],
      change: compared ? r.change : undefined,
      rankedBy: 0,
      share: (r.scroll_depth ?? 0) / 100,
    })),
    empty: 'No page was left with its time measured in this range.',
    note: 'Per visit of a page: its deepest scroll (% of the page, the bar) and its engaged time (visible, with input in the last 15 s), averaged.',
  }),
};

/**
 * Draws every engagement list the page has a section for; `stats` is the summary as the page has
 * it, `compared` whether a comparison is shown (each row's change).
 */
export function renderEngagementLists(stats: object, compared: boolean, onFilter: (name: string, value: string) => void): void {
  const summary = stats as EngagementStats;
  for (const section of document.querySelectorAll<HTMLElement>('[data-engagement-list]')) {
    const make = LISTS[section.dataset.engagementList ?? ''];
    if (make && Array.isArray(summary[section.dataset.engagementList as keyof EngagementStats]))
      renderRankedList(section, make(summary, compared), onFilter);
  }
}
