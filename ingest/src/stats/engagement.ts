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
import type { ClickHouseClient } from '@clickhouse/client';
import type { SiteEntry } from '../catalog/catalog.js';
import type { Sql } from './build-sql.js';
import { goalCondition } from './goal-condition.js';
import type { Query } from './parse-query.js';
import { rawPeriod } from './raw-period.js';
import { count, rows } from './run-query.js';

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
 * The visits read raw (those with an event inserted after the fold's watermark; every visit when
 * none was folded yet), as a subquery: how the read names them when they are too many to list.
 */
const TOUCHED_WHERE = `site = {site:String} AND session_key != 0
     AND inserted_at > (SELECT max(watermark) FROM fold_watermarks WHERE job = {fold_job:String})`;
const TOUCHED = `(SELECT session_key FROM events WHERE ${TOUCHED_WHERE})`;

/** Visits read raw listed by their keys at most; more are named by TOUCHED. */
export const MAX_LISTED_VISITS = 10_000;

/** The keys of the visits read raw, or `many` (TOUCHED names them). */
export type Touched = readonly bigint[] | 'many';

/**
 * The engagement path of the period: the visits to read raw found first, so that when there are
 * none (every visit folded) the read sorts no actions at all, and when there are a few it sorts
 * only theirs. A visit an event reaches between the two statements is read as before that event
 * or after it, as by any read running beside an insert.
 */
export async function readEngagement(client: ClickHouseClient, query: Query): Promise<EngagementRow[]> {
  let touched: Touched = 'many';
  if (query.rollups) {
    const found = await rows<{ key: string }>(
      client,
      `SELECT DISTINCT toString(session_key) AS key FROM events WHERE ${TOUCHED_WHERE} LIMIT {limit:UInt32}`,
      {
        site: query.site.id,
        fold_job: FOLD_JOB,
        limit: MAX_LISTED_VISITS + 1,
      },
    );
    if (found.length <= MAX_LISTED_VISITS) touched = found.map((row) => BigInt(row.key));
  }
  const { sql, params } = engagementSql(query, touched);
  // After the summary's other reads were sent: ahead of those still waiting (clickhouse/read-pool.ts).
  return rows<EngagementRow>(client, sql, params, { followUp: true });
}

/**
 * Per object: one row of its figures (kind '') and one per next step. `touched`: the visits
 * whose path is read from raw events (the others' from engagement_steps); `rollups: false` reads
 * every visit's from raw events.
 */
export function engagementSql(query: Query, touched: Touched = 'many'): Sql {
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
  // The object's own row and its first NEXT_STEPS steps.
  params.rows_per_object = NEXT_STEPS + 1;
  const folded = query.rollups;
  let rawVisits = '';
  if (folded && touched === 'many') {
    params.fold_job = FOLD_JOB;
    rawVisits = TOUCHED;
  } else if (folded) {
    params.touched = touched;
    rawVisits = '{touched:Array(UInt64)}';
  }
  // Each click of the period with the kind and value of its next action ('' when none), and how
  // many clicks the row stands for.
  const parts: string[] = [];
  if (!folded || touched === 'many' || touched.length > 0) {
    const only = rawVisits === '' ? '' : `AND session_key IN ${rawVisits}`;
    parts.push(`SELECT object, next_kind, next_value, 1 AS clicks FROM (
            SELECT toString(object_id) AS object, leadInFrame(${kind}) OVER visit AS next_kind, leadInFrame(${value}) OVER visit AS next_value, type
            -- Only visits with a click of an object have a path, and only from their first click
            -- on: found first in the clicks' own narrow stretch of the table, so the other visits'
            -- actions, and a visit's actions before it clicked, are never sorted (no click's next
            -- action is among them).
            FROM events
            INNER JOIN (SELECT session_key, min(ts) AS first_click FROM events
                        WHERE ${where} AND type = 'object_click' AND session_key != 0 AND object_id IN {objects:Array(String)} ${only}
                        GROUP BY session_key) AS clicked USING session_key
            WHERE ${where} AND session_key != 0 AND type NOT IN {not_actions:Array(String)} AND ts >= clicked.first_click ${only}
            WINDOW visit AS (PARTITION BY session_key ORDER BY ts, event_id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)
          ) WHERE type = 'object_click' AND object IN {objects:Array(String)}`);
  }
  if (folded) {
    // A folded next action after the period's end is none within it. The clicks are counted by
    // their next action's columns first, and a step's kind and value read from those few rows.
    const { to } = query.current;
    if (to !== undefined) params.path_until = to;
    const beyond = to === undefined ? "type = ''" : `(type = '' OR next_ts >= toDateTime64({path_until:UInt32}, 3, 'UTC'))`;
    parts.push(`SELECT toString(object) AS object, if(beyond, '', ${kind}) AS next_kind, if(beyond, '', ${value}) AS next_value, clicks FROM (
            SELECT object, type, path, object_id, nav_to, props, ${beyond} AS beyond, count() AS clicks
            FROM engagement_steps FINAL
            WHERE ${where} AND object IN {objects:Array(String)} ${rawVisits === '' ? '' : `AND session_key NOT IN ${rawVisits}`}
            GROUP BY object, type, path, object_id, nav_to, props, beyond)`);
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
                 toUInt64(0) AS seen_visitors, toUInt64(0) AS clicked_visitors, toUInt64(sum(clicks)) AS clicks
          FROM (${parts.join('\n          UNION ALL\n          ')})
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
