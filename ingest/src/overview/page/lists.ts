// Every ranked list of the page: which figures of the summary it shows and how each row reads.

import { renderRankedList, shareOf, type RankedList } from './ranked-list.js';
import type { Stats } from './types.js';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

function countryName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

const LISTS: Record<string, (stats: Stats, compared: boolean) => RankedList> = {
  top_pages: (s, compared) => ({
    title: 'Top pages',
    columns: ['Page', 'Visitors', 'Views'],
    rows: s.top_pages.map((r) => ({
      label: r.path || '(none)',
      values: [r.visitors, r.views],
      change: compared ? r.change : undefined,
      share: shareOf(r.visitors, s.visitors, []),
      filter: { name: 'page', value: r.path },
    })),
    empty: 'No page views in this range.',
  }),
  sources: (s, compared) => ({
    title: 'Sources',
    columns: ['Referrer', 'Visitors'],
    rows: s.sources.map((r) => ({
      label: r.source,
      values: [r.visitors],
      change: compared ? r.change : undefined,
      share: shareOf(r.visitors, s.visitors, []),
      filter: { name: 'source', value: r.source },
    })),
    empty: 'No visitor came from another site in this range.',
  }),
  entry_pages: (s, compared) => ({
    title: 'Entry pages',
    columns: ['Page', 'Visits'],
    rows: s.entry_pages.map((r) => ({
      label: r.path,
      values: [r.visits],
      change: compared ? r.change : undefined,
      share: shareOf(r.visits, s.visits, []),
      filter: { name: 'page', value: r.path },
    })),
    empty: 'No visits in this range.',
  }),
  exit_pages: (s, compared) => ({
    title: 'Exit pages',
    columns: ['Page', 'Visits'],
    rows: s.exit_pages.map((r) => ({
      label: r.path,
      values: [r.visits],
      change: compared ? r.change : undefined,
      share: shareOf(r.visits, s.visits, []),
      filter: { name: 'page', value: r.path },
    })),
    empty: 'No visits in this range.',
  }),
  flows: (s, compared) => ({
    title: 'Between pages',
    columns: ['From → to', 'Steps'],
    rows: s.flows.map((r) => ({
      label: `${r.from} → ${r.to}`,
      values: [r.count],
      change: compared ? r.change : undefined,
      share: shareOf(
        r.count,
        0,
        s.flows.map((f) => f.count),
      ),
    })),
    empty: 'No visit moved between pages in this range.',
  }),
  campaigns: (s, compared) => ({
    title: 'Campaigns',
    columns: ['Source / medium / campaign', 'Visitors'],
    rows: s.campaigns.map((r) => ({
      label: r.campaign || r.source,
      detail: [r.source, r.medium].filter(Boolean).join(' / '),
      values: [r.visitors],
      change: compared ? r.change : undefined,
      share: shareOf(r.visitors, s.visitors, []),
    })),
    empty: 'No visit came with utm_ parameters in this range.',
  }),
  countries: (s, compared) => ({
    title: 'Countries',
    columns: ['Country', 'Visitors'],
    rows: s.countries.map((r) => ({
      label: countryName(r.country),
      detail: r.country,
      values: [r.visitors],
      change: compared ? r.change : undefined,
      share: shareOf(r.visitors, s.visitors, []),
      filter: { name: 'country', value: r.country },
    })),
    empty: 'No country known in this range.',
  }),
  devices: (s, compared) => ({
    title: 'Devices',
    columns: ['Device', 'Visitors'],
    rows: s.devices.map((r) => ({
      label: r.device,
      values: [r.visitors],
      change: compared ? r.change : undefined,
      share: shareOf(r.visitors, s.visitors, []),
      filter: { name: 'device', value: r.device },
    })),
    empty: 'No visitors in this range.',
  }),
  browsers: (s, compared) => ({
    title: 'Browsers',
    columns: ['Browser', 'Visitors'],
    rows: s.browsers.map((r) => ({
      label: r.browser,
      values: [r.visitors],
      change: compared ? r.change : undefined,
      share: shareOf(r.visitors, s.visitors, []),
      filter: { name: 'browser', value: r.browser },
    })),
    empty: 'No visitors in this range.',
  }),
  refused: (s) => ({
    title: 'Refused events',
    columns: ['Reason: value', 'Events'],
    rows: s.refused.map((r) => ({
      label: r.others ? '(other values)' : r.value || '(no value)',
      // What to do about it, under the reason: the row's title shows it whole.
      detail: r.hint ? `${r.reason}: ${r.hint}` : r.reason,
      values: [r.count],
      share: shareOf(
        r.count,
        0,
        s.refused.map((x) => x.count),
      ),
    })),
    empty: 'Nothing refused in these days.',
    note: 'Whole UTC days since the range began, across restarts; each row says what to do.',
  }),
};

/** Draws every list, with each row's change when `compared`; a click on a row that can filter calls `onFilter`. */
export function renderLists(stats: Stats, compared: boolean, onFilter: (name: string, value: string) => void): void {
  for (const section of document.querySelectorAll<HTMLElement>('[data-list]')) {
    const make = LISTS[section.dataset.list ?? ''];
    if (make) renderRankedList(section, make(stats, compared), onFilter);
  }
}
