/**
 * The room's engagement path: for each object of the catalog, the visitors who saw it
 * (`object_view`), the visitors who clicked it and the clicks, and what each click of a visit was
 * followed by: the visit's next action in time (a goal it reached, else the next page, the next
 * object clicked, another action by its type) or nothing (`left`). Actions are every event but
 * views of objects, time spent and room entries and exits, which follow a click without being
 * the visitor's choice. Objects seen and never clicked come first: the answer the owner wants
 * most. Seen and clicked are read from raw events of the period. A click's next action is looked
 * for inside the period: from `engagement_steps`, where a job folds each click's next action once
 * its visit's events are in (engagement-fold/fold-engagement.ts), for the visits with no event
 * inserted after the job's watermark; from raw events for the others (a visit going on, an event
 * that arrived late), sorting their actions in time. A goal is matched against the next action's
 * columns as stored, at read time, so the catalog's goals of now apply to the past. Clicks without
 * a visit (Do Not Track) have no path. `rollups: false` reads every click's path from raw events.
 */
import type { SiteEntry } from '../catalog/catalog.js';
import type { Sql } from './build-sql.js';
import { goalCondition } from './goal-condition.js';
import type { Query } from './parse-query.js';
import { rawPeriod } from './raw-period.js';
import { count } from './run-query.js';

/** Events that are no action of the visitor's (see above). */
export const NOT_ACTIONS = ['object_view', 'time_spent', 'room_enter', 'room_exit'];
/** The fold's name in `fold_watermarks` (engagement-fold/fold-engagement.ts), whose watermark the read asks. */
export const FOLD_JOB = 'engagement_steps';
/** Next steps shown per object. */
export const NEXT_STEPS = 6;

export interface NextStep {
  /** `goal`, `page`, `object`, another action's type, or `left`. */
  kind: string;
  /** The goal's name, the page's path, the object's id, the link's URL; '' for `left`. */
  value: string;
  /** The object's or the room's label where `kind` is `object`; else the value. */
  label: string;
  clicks: number;
}

export interface ObjectEngagement {
  object: string;
  label: string;
  room: string;
  room_label: string;
  seen_visitors: number;
  clicked_visitors: number;
  clicks: number;
  /** What the clicks were followed by, most first. */
  next: NextStep[];
}

export interface EngagementRow {
  object: string;
  kind: string;
  value: string;
  seen_visitors: string;
  clicked_visitors: string;
  clicks: string;
}

/**
 * The visits read raw: those with an event inserted after the fold's watermark (none folded yet:
 * every visit). Named once, so the engine builds its set once for both uses.
 */
const TOUCHED = `(SELECT session_key FROM events
   WHERE site = {site:String} AND inserted_at > (SELECT max(watermark) FROM fold_watermarks WHERE job = {fold_job:String}))`;

/** Per object: one row of its figures (kind '') and one per next step. */
export function engagementSql(query: Query): Sql {
  const { where, params } = rawPeriod(query);
  const goals = query.site.goals.map((goal, index) => {
    params[`path_goal${index}_name`] = goal.name;
    return [goalCondition(goal, `path_goal${index}`, params), `{path_goal${index}_name:String}`] as const;
  });
  // A step's kind and value from the columns of the action (an event, or a folded next action,
  // stored under the same names).
  const kind = `multiIf(${goals.map(([condition]) => `${condition}, 'goal', `).join('')}type IN ('page_view', 'navigation'), 'page', type = 'object_click', 'object', toString(type))`;
  const value = `multiIf(${goals.map(([condition, name]) => `${condition}, ${name}, `).join('')}type = 'page_view', path, type = 'object_click', toString(object_id), nav_to != '', nav_to, path)`;
  params.not_actions = NOT_ACTIONS;
  params.objects = query.site.objects;
  params.fold_job = FOLD_JOB;
  // The object's own row and its first NEXT_STEPS steps.
  params.rows_per_object = NEXT_STEPS + 1;
  const folded = query.rollups;
  // Each click of the period with the kind and value of its next action ('' when none).
  const raw = `SELECT toString(object_id) AS object, leadInFrame(${kind}) OVER visit AS next_kind, leadInFrame(${value}) OVER visit AS next_value, type
            -- Only visits with a click of an object have a path, and only from their first click
            -- on: found first in the clicks' own narrow stretch of the table, so the other visits'
            -- actions, and a visit's actions before it clicked, are never sorted (no click's next
            -- action is among them).
            FROM events
            INNER JOIN (SELECT session_key, min(ts) AS first_click FROM events
                        WHERE ${where} AND type = 'object_click' AND session_key != 0 AND object_id IN {objects:Array(String)}
                          ${folded ? `AND session_key IN ${TOUCHED}` : ''}
                        GROUP BY session_key) AS clicked USING session_key
            WHERE ${where} AND session_key != 0 AND type NOT IN {not_actions:Array(String)} AND ts >= clicked.first_click
              ${folded ? `AND session_key IN ${TOUCHED}` : ''}
            WINDOW visit AS (PARTITION BY session_key ORDER BY ts, event_id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)`;
  let clicks = `SELECT object, next_kind, next_value FROM (${raw}) WHERE type = 'object_click' AND object IN {objects:Array(String)}`;
  if (folded) {
    // A folded next action after the period's end is none within it.
    const { to } = query.current;
    if (to !== undefined) params.path_until = to;
    const beyond = to === undefined ? "type = ''" : `(type = '' OR next_ts >= toDateTime64({path_until:UInt32}, 3, 'UTC'))`;
    clicks += `
          UNION ALL
          SELECT toString(object) AS object, if(${beyond}, '', ${kind}) AS next_kind, if(${beyond}, '', ${value}) AS next_value
          FROM engagement_steps FINAL
          WHERE ${where} AND object IN {objects:Array(String)} AND session_key NOT IN ${TOUCHED}`;
  }
  return {
    sql: `SELECT * FROM (
          SELECT object, '' AS kind, '' AS value,
                 toUInt64(uniqIf(visitor_key, visitor_key != 0 AND type = 'object_view')) AS seen_visitors,
                 toUInt64(uniqIf(visitor_key, visitor_key != 0 AND type = 'object_click')) AS clicked_visitors,
                 toUInt64(countIf(type = 'object_click')) AS clicks
          FROM (SELECT toString(object_id) AS object, type, visitor_key FROM events
                WHERE ${where} AND type IN ('object_view', 'object_click') AND object_id IN {objects:Array(String)})
          GROUP BY object
          UNION ALL
          SELECT object, if(next_kind = '', 'left', next_kind) AS kind, next_value AS value,
                 toUInt64(0) AS seen_visitors, toUInt64(0) AS clicked_visitors, count() AS clicks
          FROM (${clicks})
          GROUP BY object, kind, value
          )
          ORDER BY object, kind = '' DESC, clicks DESC, kind, value
          LIMIT {rows_per_object:UInt32} BY object`,
    params,
  };
}

/** Every catalog object: seen and never clicked first (most seen first), then most clicked. */
export function shapeEngagement(site: SiteEntry, found: readonly EngagementRow[]): ObjectEngagement[] {
  const byObject = new Map<string, EngagementRow[]>();
  for (const row of found) byObject.set(row.object, [...(byObject.get(row.object) ?? []), row]);
  const labelOf = (kind: string, value: string) => (kind === 'object' ? (site.objectLabels.get(value) ?? value) : value);
  return site.objects
    .map((object) => {
      const rows = byObject.get(object) ?? [];
      const figures = rows.find((row) => row.kind === '');
      const room = site.objectRooms.get(object) ?? '';
      return {
        object,
        label: site.objectLabels.get(object) ?? object,
        room,
        room_label: site.roomLabels.get(room) ?? room,
        seen_visitors: count(figures?.seen_visitors),
        clicked_visitors: count(figures?.clicked_visitors),
        clicks: count(figures?.clicks),
        next: rows
          .filter((row) => row.kind !== '')
          .map((row) => ({ kind: row.kind, value: row.value, label: labelOf(row.kind, row.value), clicks: count(row.clicks) })),
      };
    })
    .sort(
      (a, b) =>
        Number(b.clicks === 0 && b.seen_visitors > 0) - Number(a.clicks === 0 && a.seen_visitors > 0) ||
        b.clicks - a.clicks ||
        b.seen_visitors - a.seen_visitors ||
        a.object.localeCompare(b.object),
    );
}
