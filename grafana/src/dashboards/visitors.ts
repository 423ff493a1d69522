// Visitors: who came, how many entered the room, where they came from.
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Catalog } from '../catalog.js';
import { clickhouseSql, clickhouseTimeSeries } from '../clickhouse-query.js';
import { finishDashboard, newDashboard, pageIs, pageVariable, siteIs, siteVariable } from './common.js';
import { pie, ranking, stackedBars, stat, table, timeSeries } from './panels.js';

export const VISITORS_UID = 'footfall-visitors';

// Visitor ids are empty for visitors who sent Do Not Track or Global Privacy Control (their
// events are kept anonymous), so they are left out of visitor counts instead of counted as one.
const KNOWN_VISITOR = "visitor_id != ''";

export function visitorsDashboard(catalog: Catalog) {
  const builder = newDashboard({
    uid: VISITORS_UID,
    title: 'Footfall / Visitors',
    description: 'Visitors, page views, room entries and where visitors come from, from the events stored in ClickHouse.',
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
        { title: 'Top pages', description: 'Pages by page views in the time range.', unit: 'short', width: 8 },
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
    .withPanel(
      table(
        { title: 'Referrers', description: 'Sites that sent visitors (host of the referrer), by visits.', unit: 'short', width: 8 },
        clickhouseSql(`
          SELECT referrer_host AS referrer, count() AS page_views, uniq(visitor_id) AS visitors
          FROM events
          WHERE ${siteIs()} AND type = 'page_view' AND referrer_host != '' AND $__timeFilter(ts)
          GROUP BY referrer
          ORDER BY page_views DESC
          LIMIT 20
        `),
      ),
    )
    .withPanel(
      pie(
        { title: 'Devices', description: 'Visitors by device class.', unit: 'short', width: 8 },
        clickhouseSql(`
          SELECT device, uniq(visitor_id) AS visitors
          FROM events
          WHERE ${siteIs()} AND $__timeFilter(ts) AND ${KNOWN_VISITOR}
          GROUP BY device
          ORDER BY visitors DESC
        `),
      ),
    );
  return finishDashboard(builder);
}
