// The room's engagement path, as /api/stats' engagement counts it: for each catalog object the
// visitors who saw it, the visitors who clicked it and the clicks, and what each click of a visit
// was followed by (the visit's next action: a goal it reached, else the next page, the next object
// clicked, another action by its type, or leaving). Read from raw events: the order of a visit's
// events is not in the rollups.
import { clickhouseSql } from '../clickhouse-query.js';
import { siteIs } from './common.js';
import { REACHES_GOAL } from './goals.js';
import { table } from './panels.js';

/** Events that are no choice of the visitor's (they follow a click by themselves), as the API leaves them out. */
const NOT_ACTIONS = "'object_view', 'time_spent', 'room_enter', 'room_exit'";
/** Next steps shown per object, as the API lists them. */
export const NEXT_STEPS = 6;

/** Each event of the range that reaches a goal, with the first of the goals it reaches (catalog order). */
const FIRST_GOAL_SQL = `
  SELECT e.session_id AS session_id, e.event_id AS event_id, argMin(g.goal, g.position) AS goal
  FROM catalog_goals AS g
  INNER JOIN (
    SELECT toUInt8(1) AS present, session_id, event_id, toString(type) AS type, path, nav_to, toString(object_id) AS object, props
    FROM events
    WHERE ${siteIs()} AND session_id != '' AND $__timeFilter(ts)
  ) AS e ON e.type = g.event_type
  WHERE ${siteIs('g.site')} AND ${REACHES_GOAL}
  GROUP BY session_id, event_id`;

/** What an action is, and its value: a goal first, as the API's multiIf has it. */
const KIND =
  "multiIf(reached.goal != '', 'goal', a.type IN ('page_view', 'navigation'), 'page', a.type = 'object_click', 'object', toString(a.type))";
const VALUE =
  "multiIf(reached.goal != '', reached.goal, a.type = 'page_view', a.path, a.type = 'object_click', toString(a.object_id), a.nav_to != '', a.nav_to, a.path)";

export function engagementPathPanel() {
  return table(
    {
      title: 'Engagement path',
      description: `Every object of the catalog (catalog_objects): visitors who saw it, visitors who clicked it, its clicks, and what the clicks were followed by in the visit (a goal reached, the next page, the next object, another action by its type, or left), up to ${NEXT_STEPS} next steps, a row each. Seen and never clicked first, as /api/stats' engagement lists them.`,
      unit: 'short',
      width: 24,
      height: 12,
    },
    clickhouseSql(`
      SELECT c.object AS object, c.label AS label, f.seen_visitors AS seen_visitors, f.clicked_visitors AS clicked_visitors,
        f.clicks AS clicks, n.next AS next, n.next_clicks AS next_clicks
      FROM catalog_objects AS c
      LEFT JOIN (
        SELECT toString(object_id) AS object,
          uniqIf(visitor_id, visitor_id != '' AND type = 'object_view') AS seen_visitors,
          uniqIf(visitor_id, visitor_id != '' AND type = 'object_click') AS clicked_visitors,
          countIf(type = 'object_click') AS clicks
        FROM events
        WHERE ${siteIs()} AND type IN ('object_view', 'object_click') AND $__timeFilter(ts)
        GROUP BY object
      ) AS f ON f.object = c.object
      LEFT JOIN (
        SELECT object, if(next_kind = '', 'left', concat(next_kind, ': ', next_value)) AS next, count() AS next_clicks
        FROM (
          SELECT type, object, leadInFrame(kind) OVER visit AS next_kind, leadInFrame(value) OVER visit AS next_value
          FROM (
            SELECT toString(a.type) AS type, toString(a.object_id) AS object, a.session_id AS session_id, a.ts AS ts, a.event_id AS event_id,
              ${KIND} AS kind, ${VALUE} AS value
            FROM events AS a
            LEFT JOIN (${FIRST_GOAL_SQL}) AS reached ON reached.session_id = a.session_id AND reached.event_id = a.event_id
            WHERE ${siteIs('a.site')} AND a.session_id != '' AND a.type NOT IN (${NOT_ACTIONS}) AND $__timeFilter(a.ts)
          )
          WINDOW visit AS (PARTITION BY session_id ORDER BY ts, event_id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)
        )
        WHERE type = 'object_click'
        GROUP BY object, next
      ) AS n ON n.object = c.object
      WHERE ${siteIs('c.site')}
      ORDER BY clicks = 0 AND seen_visitors > 0 DESC, clicks DESC, seen_visitors DESC, object, next_clicks DESC, next
      LIMIT ${NEXT_STEPS} BY object
    `),
  );
}
