// The room: what visitors do inside the 3D scene, and what they never touch.
import type { Catalog } from '../catalog.js';
import { clickhouseSql, clickhouseTimeSeries } from '../clickhouse-query.js';
import { finishDashboard, newDashboard, siteIs, siteVariable } from './common.js';
import { engagementPathPanel } from './engagement-path.js';
import { ranking, stackedBars, table, timeSeries } from './panels.js';

export const ROOM_UID = 'footfall-room';

// An object nobody ever clicked has no event, so "never clicked" starts from the catalog's own
// list: catalog_objects, which the ingest service rewrites from its catalog file at every start,
// so an edited catalog shows here without rendering the dashboards again.
export function roomDashboard(catalog: Catalog) {
  const builder = newDashboard({
    uid: ROOM_UID,
    title: 'Footfall / The room',
    description:
      'What visitors do inside the 3D room: object clicks, the objects of the catalog seen but never clicked, time spent and where visitors go next.',
    tags: ['room'],
  })
    .withVariable(siteVariable(catalog))
    .withPanel(
      stackedBars(
        { title: 'Object clicks', description: 'Clicks on objects of the room per time bucket, by object.', unit: 'short', width: 16 },
        clickhouseTimeSeries(`
          SELECT $__timeInterval(minute) AS time, object_id AS object, sum(events) AS clicks
          FROM events_per_minute
          WHERE ${siteIs()} AND type = 'object_click' AND $__timeFilter(minute)
          GROUP BY time, object
          ORDER BY time
        `),
      ),
    )
    .withPanel(
      ranking(
        { title: 'Top objects', description: 'Objects by clicks in the time range.', unit: 'short', width: 8 },
        clickhouseSql(`
          SELECT object_id AS object, sum(events) AS clicks
          FROM events_per_minute
          WHERE ${siteIs()} AND type = 'object_click' AND $__timeFilter(minute)
          GROUP BY object
          ORDER BY clicks DESC
          LIMIT 20
        `),
      ),
    )
    .withPanel(
      table(
        {
          title: 'Least clicked objects',
          description:
            'Every object of the catalog the ingest service runs with (its catalog_objects table), fewest clicks first, with how often it was on screen: seen often and never clicked is the object to rethink.',
          unit: 'short',
          width: 12,
          height: 10,
        },
        clickhouseSql(`
          SELECT catalog.object AS object, catalog.label AS label, seen.clicks AS clicks, seen.views AS views,
            seen.clicks / greatest(seen.views, 1) AS clicks_per_view
          FROM catalog_objects AS catalog
          LEFT JOIN (
            SELECT object_id, sumIf(events, type = 'object_click') AS clicks, sumIf(events, type = 'object_view') AS views
            FROM events_per_minute
            WHERE ${siteIs()} AND type IN ('object_click', 'object_view') AND $__timeFilter(minute)
            GROUP BY object_id
          ) AS seen ON seen.object_id = catalog.object
          WHERE ${siteIs('catalog.site')}
          ORDER BY clicks ASC, views DESC, object ASC
        `),
      ).overrideByName('clicks_per_view', [{ id: 'unit', value: 'percentunit' }]),
    )
    .withPanel(
      stackedBars(
        {
          title: 'Clicks per object per hour',
          description: 'Object clicks in hourly buckets, by object.',
          unit: 'short',
          width: 12,
          height: 10,
        },
        clickhouseTimeSeries(`
          SELECT toStartOfHour(minute) AS time, object_id AS object, sum(events) AS clicks
          FROM events_per_minute
          WHERE ${siteIs()} AND type = 'object_click' AND $__timeFilter(minute)
          GROUP BY time, object
          ORDER BY time
        `),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Time spent in the room',
          description: 'Visible time in the room per visit (time_spent events with a room), median and 90th percentile.',
          unit: 'ms',
        },
        clickhouseTimeSeries(`
          SELECT $__timeInterval(ts) AS time, quantile(0.5)(duration_ms) AS median, quantile(0.9)(duration_ms) AS p90
          FROM events
          WHERE ${siteIs()} AND type = 'time_spent' AND room_id != '' AND $__timeFilter(ts)
          GROUP BY time
          ORDER BY time
        `),
      ),
    )
    .withPanel(
      table(
        {
          title: 'Where visitors go after the room',
          description: 'The page a session shows next after leaving the room; "(left the site)" when the session ended there.',
          unit: 'short',
        },
        clickhouseSql(`
          SELECT if(next_path = '', '(left the site)', next_path) AS next_page, count() AS exits
          FROM (
            SELECT type, leadInFrame(path) OVER w AS next_path
            FROM events
            WHERE ${siteIs()} AND type IN ('room_exit', 'page_view') AND $__timeFilter(ts)
            WINDOW w AS (PARTITION BY session_id ORDER BY ts ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)
          )
          WHERE type = 'room_exit'
          GROUP BY next_page
          ORDER BY exits DESC
          LIMIT 20
        `),
      ),
    )
    .withPanel(engagementPathPanel());
  return finishDashboard(builder);
}
