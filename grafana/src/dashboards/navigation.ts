// Navigation: how visitors move between the room and the pages, and how far they get along a funnel.
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Catalog } from '../catalog.js';
import { clickhouseSql, clickhouseTimeSeries } from '../clickhouse-query.js';
import { finishDashboard, newDashboard, pageIs, pageVariable, siteIs, siteVariable } from './common.js';
import { funnelPanel, funnelStepVariable } from './funnel.js';
import { hotspotsPanel } from './hotspots.js';
import { ranking, table, timeSeries } from './panels.js';

export const NAVIGATION_UID = 'footfall-navigation';

// A step between pages is a page view that names the page before it (nav_from: the tracker's
// `from`, or a referrer on the site's own origins), as /api/stats counts its flows; reloading
// the same page is no step.
const STEP_BETWEEN_PAGES = "type = 'page_view' AND nav_from != '' AND nav_from != path";

export function navigationDashboard(catalog: Catalog) {
  const builder = newDashboard({
    uid: NAVIGATION_UID,
    title: 'Footfall / Navigation',
    description:
      'How visitors move between the room and the pages: flows from page to page, entry and exit pages, time on page, how far down they read, the links they followed off the site and the files they downloaded, and a funnel of up to four steps.',
    tags: ['navigation'],
  })
    .withVariable(siteVariable(catalog))
    .withVariable(pageVariable())
    .withVariable(funnelStepVariable(1, catalog))
    .withVariable(funnelStepVariable(2, catalog))
    .withVariable(funnelStepVariable(3, catalog))
    .withVariable(funnelStepVariable(4, catalog))
    .withPanel(
      table(
        {
          title: 'Flows',
          description:
            'Steps from one page to another, most frequent first: page views that name the page before them, whether the tracker sent it (History API navigations) or the referrer was a page of the same site (ordinary links), as the overview page counts them.',
          unit: 'short',
          width: 12,
          height: 10,
        },
        clickhouseSql(`
          SELECT nav_from AS from_page, path AS to_page, count() AS steps, uniq(session_id) AS sessions
          FROM events
          WHERE ${siteIs()} AND ${STEP_BETWEEN_PAGES} AND $__timeFilter(ts)
          GROUP BY from_page, to_page
          ORDER BY steps DESC, from_page, to_page
          LIMIT 50
        `),
      ),
    )
    .withPanel(sessionEdgePages('entry'))
    .withPanel(sessionEdgePages('exit'))
    .withPanel(
      table(
        {
          title: 'Time on page',
          description:
            'Engaged time per time_spent event (visible, with input in the last 15 s once the lazy part runs; visible before), median and 90th percentile.',
          unit: 'ms',
        },
        clickhouseSql(`
          SELECT path, count() AS visits, quantile(0.5)(duration_ms) AS median_ms, quantile(0.9)(duration_ms) AS p90_ms
          FROM events
          WHERE ${siteIs()} AND type = 'time_spent' AND ${pageIs()} AND $__timeFilter(ts)
          GROUP BY path
          ORDER BY visits DESC
          LIMIT 50
        `),
      ).overrideByName('visits', [{ id: 'unit', value: 'short' }]),
    )
    .withPanel(
      table(
        {
          title: 'Scroll depth and time on page',
          description:
            "Per page, over the visits that were on it (a session's time_spent events of one path): the mean of each visit's deepest scroll among those that measured one, and the mean of each visit's engaged time, as /api/stats' page_engagement counts them.",
          unit: 'percent',
          width: 12,
          height: 10,
        },
        clickhouseSql(`
          SELECT path, count() AS visits, avgIfOrNull(depth, depth > 0) AS scroll_depth, avg(engaged_ms) AS time_on_page_ms
          FROM (
            SELECT session_id, path, max(toUInt8OrZero(props['scroll_depth'])) AS depth, sum(duration_ms) AS engaged_ms
            FROM events
            WHERE ${siteIs()} AND type = 'time_spent' AND session_id != '' AND ${pageIs()} AND $__timeFilter(ts)
            GROUP BY session_id, path
          )
          GROUP BY path
          ORDER BY visits DESC, path
          LIMIT 50
        `),
      )
        .overrideByName('visits', [{ id: 'unit', value: 'short' }])
        .overrideByName('time_on_page_ms', [{ id: 'unit', value: 'ms' }]),
    )
    .withPanel(
      table(
        {
          title: 'Outbound links and downloads',
          description:
            'Links to other sites (outbound) and to files (download) that visitors followed, by URL without its query, with visitors and clicks, as /api/stats counts them.',
          unit: 'short',
          width: 12,
          height: 10,
        },
        clickhouseSql(`
          SELECT toString(type) AS kind, nav_to AS url, uniqIf(visitor_id, visitor_id != '') AS visitors, count() AS clicks
          FROM events
          WHERE ${siteIs()} AND type IN ('outbound', 'download') AND $__timeFilter(ts)
          GROUP BY kind, url
          ORDER BY visitors DESC, clicks DESC, kind, url
          LIMIT 50
        `),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Steps between pages',
          description: 'Steps from one page to another per time bucket (as in Flows), leaving the chosen pages.',
          unit: 'short',
        },
        clickhouseTimeSeries(`
          SELECT $__timeInterval(ts) AS time, count() AS steps
          FROM events
          WHERE ${siteIs()} AND ${STEP_BETWEEN_PAGES} AND ${pageIs('nav_from')} AND $__timeFilter(ts)
          GROUP BY time
          ORDER BY time
        `),
      ),
    )
    .withRow(new RowBuilder('Funnel'))
    .withPanel(hotspotsPanel())
    .withPanel(funnelPanel());
  return finishDashboard(builder);
}

/** The first (entry) or last (exit) page of each session, counted. */
function sessionEdgePages(edge: 'entry' | 'exit') {
  const pick = edge === 'entry' ? 'argMin' : 'argMax';
  return ranking(
    {
      title: edge === 'entry' ? 'Entry pages' : 'Exit pages',
      description: `The ${edge === 'entry' ? 'first' : 'last'} page of each session.`,
      unit: 'short',
      width: 6,
      height: 10,
    },
    clickhouseSql(`
          SELECT ${edge}_page, count() AS sessions
          FROM (
            SELECT ${pick}(path, ts) AS ${edge}_page
            FROM events
            WHERE ${siteIs()} AND type = 'page_view' AND session_id != '' AND $__timeFilter(ts)
            GROUP BY session_id
          )
          GROUP BY ${edge}_page
          ORDER BY sessions DESC
          LIMIT 20
        `),
  );
}
