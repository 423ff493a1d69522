// Visitors: who came, how many entered the room, where they came from (sources, campaigns,
// countries, devices, browsers, counted as /api/stats counts them), and what was refused.
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Catalog } from '../catalog.js';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { clickhouseSql, clickhouseTimeSeries } from '../clickhouse-query.js';
import { prometheus } from '../datasources.js';
import { finishDashboard, newDashboard, pageIs, pageVariable, siteIs, siteVariable } from './common.js';
import { goalsPanel } from './goals.js';
import { pie, ranking, seriesRanking, stackedBars, stat, table, timeSeries } from './panels.js';

export const VISITORS_UID = 'footfall-visitors';

// Visitor ids are empty for visitors who sent Do Not Track or Global Privacy Control (their
// events are kept anonymous), so they are left out of visitor counts instead of counted as one.
const KNOWN_VISITOR = "visitor_id != ''";
const PAGE_VIEW = "type = 'page_view'";

export function visitorsDashboard(catalog: Catalog) {
  const builder = newDashboard({
    uid: VISITORS_UID,
    title: 'Footfall / Visitors',
    description:
      'Visitors, page views, room entries and where visitors come from (sources, campaigns, countries, devices, browsers), from the events stored in ClickHouse; events refused, from Prometheus.',
    tags: ['visitors'],
    refresh: '30s',
  })
    .withVariable(siteVariable(catalog))
    .withVariable(pageVariable())
    .withRow(new RowBuilder('Right now (last 5 minutes, whatever the time range)'))
    .withPanel(
      stat(
        { title: 'Active visitors', description: 'Distinct visitors with an event in the last 5 minutes.', unit: 'short', width: 8 },
        clickhouseSql(`
          SELECT uniq(visitor_id) AS visitors
          FROM events
          WHERE ${siteIs()} AND ts >= now() - INTERVAL 5 MINUTE AND ${KNOWN_VISITOR}
        `),
      ),
    )
    .withPanel(
      stat(
        { title: 'Events', description: 'Events stored in the last 5 minutes.', unit: 'short', width: 8 },
        clickhouseSql(`
          SELECT sum(events) AS events
          FROM events_per_minute
          WHERE ${siteIs()} AND minute >= now() - INTERVAL 5 MINUTE
        `),
      ),
    )
    .withPanel(
      stat(
        { title: 'Room entries', description: 'Visitors who entered the 3D room in the last 5 minutes.', unit: 'short', width: 8 },
        clickhouseSql(`
          SELECT sum(events) AS room_entries
          FROM events_per_minute
          WHERE ${siteIs()} AND type = 'room_enter' AND minute >= now() - INTERVAL 5 MINUTE
        `),
      ),
    )
    .withRow(new RowBuilder('Time range'))
    .withPanel(
      stat(
        { title: 'Visitors', description: 'Distinct visitors in the time range (visitor ids rotate daily).', unit: 'short' },
        clickhouseSql(`
          SELECT uniqMerge(visitors) AS visitors
          FROM events_per_minute
          WHERE ${siteIs()} AND $__timeFilter(minute)
        `),
      ),
    )
    .withPanel(
      stat(
        { title: 'Page views', description: 'Page views in the time range, on the chosen pages.', unit: 'short' },
        clickhouseSql(`
          SELECT sum(events) AS page_views
          FROM events_per_minute
          WHERE ${siteIs()} AND type = 'page_view' AND ${pageIs()} AND $__timeFilter(minute)
        `),
      ),
    )
    .withPanel(
      stat(
        { title: 'Room entries', description: 'Times a visitor entered the 3D room in the time range.', unit: 'short' },
        clickhouseSql(`
          SELECT sum(events) AS room_entries
          FROM events_per_minute
          WHERE ${siteIs()} AND type = 'room_enter' AND $__timeFilter(minute)
        `),
      ),
    )
    .withPanel(
      stat(
        {
          title: 'Visitors who enter the room',
          description: 'Share of the visitors in the time range who entered the 3D room at least once.',
          unit: 'percentunit',
        },
        clickhouseSql(`
          SELECT uniqIf(visitor_id, type = 'room_enter') / greatest(uniq(visitor_id), 1) AS room_share
          FROM events
          WHERE ${siteIs()} AND $__timeFilter(ts) AND ${KNOWN_VISITOR}
        `),
      ),
    )
    .withPanel(
      stackedBars(
        { title: 'Events by type', description: 'Events per time bucket, stacked by event type.', unit: 'short', width: 12 },
        clickhouseTimeSeries(`
          SELECT $__timeInterval(minute) AS time, type, sum(events) AS events
          FROM events_per_minute
          WHERE ${siteIs()} AND $__timeFilter(minute)
          GROUP BY time, type
          ORDER BY time
        `),
      ),
    )
    .withPanel(
      timeSeries(
        { title: 'Visitors and sessions', description: 'Distinct visitors and sessions per time bucket.', unit: 'short', width: 12 },
        clickhouseTimeSeries(`
          SELECT $__timeInterval(minute) AS time, uniqMerge(visitors) AS visitors, uniqMerge(sessions) AS sessions
          FROM events_per_minute
          WHERE ${siteIs()} AND $__timeFilter(minute)
          GROUP BY time
          ORDER BY time
        `),
      ),
    )
    .withPanel(
      ranking(
        { title: 'Top pages', description: 'Pages by page views in the time range.', unit: 'short', width: 24 },
        clickhouseSql(`
          SELECT path, sum(events) AS page_views
          FROM events_per_minute
          WHERE ${siteIs()} AND type = 'page_view' AND ${pageIs()} AND $__timeFilter(minute)
          GROUP BY path
          ORDER BY page_views DESC
          LIMIT 20
        `),
      ),
    )
    .withRow(new RowBuilder('Where visitors come from (page views, as on the overview page)'))
    .withPanel(
      table(
        {
          title: 'Sources',
          description:
            "Sites that sent visitors (the host of the referrer), by visitors. A referrer on one of the site's own catalog origins is never a source: the ingest service stores it as the page before, not as a referrer.",
          unit: 'short',
          width: 8,
        },
        clickhouseSql(`
          SELECT referrer_host AS source, uniqIf(visitor_id, ${KNOWN_VISITOR}) AS visitors, count() AS page_views
          FROM events
          WHERE ${siteIs()} AND ${PAGE_VIEW} AND referrer_host != '' AND $__timeFilter(ts)
          GROUP BY source
          HAVING visitors > 0
          ORDER BY visitors DESC, source
          LIMIT 20
        `),
      ),
    )
    .withPanel(
      table(
        {
          title: 'Campaigns',
          description:
            'Campaign parameters of landing page views (utm_source, utm_medium, utm_campaign, read by the tracker from the landing URL), by visitors. Page views without any of the three are left out.',
          unit: 'short',
          width: 10,
        },
        clickhouseSql(`
          SELECT utm_source AS source, utm_medium AS medium, utm_campaign AS campaign,
            uniqIf(visitor_id, ${KNOWN_VISITOR}) AS visitors, count() AS page_views
          FROM events
          WHERE ${siteIs()} AND ${PAGE_VIEW} AND (utm_source != '' OR utm_medium != '' OR utm_campaign != '') AND $__timeFilter(ts)
          GROUP BY source, medium, campaign
          ORDER BY visitors DESC, source, medium, campaign
          LIMIT 20
        `),
      ),
    )
    .withPanel(
      ranking(
        {
          title: 'Countries',
          description:
            "Visitors by country (ISO 3166-1 alpha-2), looked up from the visitor's address when the event arrived; the address itself is never stored. Visitors of an unknown country are left out.",
          unit: 'short',
          width: 6,
        },
        visitorsBy('country'),
      ),
    )
    .withPanel(
      pie(
        {
          title: 'Devices',
          description: 'Visitors by device class (desktop, mobile, tablet), from their page views.',
          unit: 'short',
          width: 6,
        },
        visitorsBy('device'),
      ),
    )
    .withPanel(
      pie(
        {
          title: 'Browsers',
          description: "Visitors by browser, read from the visitor's user agent, from their page views.",
          unit: 'short',
          width: 6,
        },
        visitorsBy('browser'),
      ),
    )
    .withPanel(
      seriesRanking(
        {
          title: 'Refused events in the time range, by reason',
          description:
            "Events the ingest service refused in the time range, by reason (bot, unknown_object, unknown_origin...), from Prometheus' footfall_events_refused_total. The counter has no site label (a refusal can come before any site is known), so this counts every site. The refused values themselves (which object was missing from the catalog, which origin) are kept only in the ingest service's memory, never in ClickHouse: they are on its overview page at /, under Refused events.",
          unit: 'short',
          width: 12,
        },
        promInstantQuery('sum by (reason) (increase(footfall_events_refused_total[$__range]))', '{{reason}}'),
      ),
    )
    .withPanel(goalsPanel());
  return finishDashboard(builder);
}

/**
 * Visitors by one column of their page views, as /api/stats counts its devices, browsers and
 * countries: visitors with a known id, unknown ('') values left out.
 */
function visitorsBy(column: 'country' | 'device' | 'browser') {
  return clickhouseSql(`
    SELECT ${column}, uniq(visitor_id) AS visitors
    FROM events
    WHERE ${siteIs()} AND ${PAGE_VIEW} AND ${column} != '' AND $__timeFilter(ts) AND ${KNOWN_VISITOR}
    GROUP BY ${column}
    ORDER BY visitors DESC, ${column}
    LIMIT 20
  `);
}

/** One figure per series for the whole time range: a bar gauge reads the single point of an instant query. */
function promInstantQuery(expr: string, legendFormat: string) {
  return new DataqueryBuilder().datasource(prometheus).expr(expr).legendFormat(legendFormat).refId('A').instant();
}
