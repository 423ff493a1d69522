// Navigation: how visitors move between the room and the pages.
import type { Catalog } from '../catalog.js';
import { clickhouseSql, clickhouseTimeSeries } from '../clickhouse-query.js';
import { finishDashboard, newDashboard, pageIs, pageVariable, siteIs, siteVariable } from './common.js';
import { ranking, table, timeSeries } from './panels.js';

export const NAVIGATION_UID = 'footfall-navigation';

export function navigationDashboard(catalog: Catalog) {
  const builder = newDashboard({
    uid: NAVIGATION_UID,
    title: 'Footfall / Navigation',
    description: 'How visitors move between the room and the pages: flows from page to page, entry and exit pages, time on page.',
    tags: ['navigation'],
  })
    .withVariable(siteVariable(catalog))
    .withVariable(pageVariable())
    .withPanel(
      table(
        { title: 'Flows', description: 'Navigations from one page to another, most frequent first.', unit: 'short', width: 12, height: 10 },
        clickhouseSql(`
          SELECT nav_from AS from_page, nav_to AS to_page, count() AS navigations, uniq(session_id) AS sessions
          FROM events
          WHERE ${siteIs()} AND type = 'navigation' AND $__timeFilter(ts)
          GROUP BY from_page, to_page
          ORDER BY navigations DESC
          LIMIT 50
        `),
      ),
    )
    .withPanel(sessionEdgePages('entry'))
    .withPanel(sessionEdgePages('exit'))
    .withPanel(
      table(
        { title: 'Time on page', description: 'Visible time per page view (time_spent events), median and 90th percentile.', unit: 'ms' },
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
      timeSeries(
        { title: 'Navigations', description: 'Navigations per time bucket on the chosen pages (as origin).', unit: 'short' },
        clickhouseTimeSeries(`
          SELECT $__timeInterval(ts) AS time, count() AS navigations
          FROM events
          WHERE ${siteIs()} AND type = 'navigation' AND ${pageIs('nav_from')} AND $__timeFilter(ts)
          GROUP BY time
          ORDER BY time
        `),
      ),
    );
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
