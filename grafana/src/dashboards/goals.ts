// Goals and conversions, as /api/stats' goals count them. Grafana cannot read the catalog file, so
// the goals come from ClickHouse's catalog_goals, which the ingest service rewrites from its
// catalog at every start: each goal there is the service's own goal condition written as columns
// (event type, LIKE patterns of the path and the link's URL, the object, the props to carry).
import { clickhouseSql } from '../clickhouse-query.js';
import { siteIs } from './common.js';
import { table } from './panels.js';

/** An event row `e` reaches goal `g`: every column of the goal matches ('%' and '' and no props match anything). */
export const REACHES_GOAL = `e.present = 1
  AND e.path LIKE g.path_like AND e.nav_to LIKE g.url_like
  AND (g.object = '' OR e.object = g.object)
  AND arrayAll(key -> e.props[key] = g.props[key], mapKeys(g.props))`;

export function goalsPanel() {
  return table(
    {
      title: 'Goals',
      description:
        "Each goal of the site's catalog (read from catalog_goals, which the ingest service rewrites from its catalog at every start), in catalog order: the visitors who reached it in the time range, the conversion rate (those visitors over all the range's visitors) and the events that reached it, as /api/stats counts them.",
      unit: 'short',
      width: 12,
      height: 8,
    },
    clickhouseSql(`
      SELECT g.goal AS goal, g.target AS target,
        uniqIf(e.visitor_id, e.visitor_id != '' AND ${REACHES_GOAL}) AS visitors,
        visitors / greatest((SELECT uniqIf(visitor_id, visitor_id != '') FROM events WHERE ${siteIs()} AND $__timeFilter(ts)), 1) AS conversion_rate,
        countIf(${REACHES_GOAL}) AS events
      FROM catalog_goals AS g
      LEFT JOIN (
        SELECT toUInt8(1) AS present, toString(type) AS type, path, nav_to, toString(object_id) AS object, props, visitor_id
        FROM events
        WHERE ${siteIs()} AND $__timeFilter(ts)
      ) AS e ON e.type = g.event_type
      WHERE ${siteIs('g.site')}
      GROUP BY g.position, g.goal, g.target
      ORDER BY g.position
    `),
  ).overrideByName('conversion_rate', [{ id: 'unit', value: 'percentunit' }]);
}
