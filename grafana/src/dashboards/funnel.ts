// The funnel of the Navigation dashboard: up to four steps chosen in variables, counted as the
// ingest service's /api/funnel counts them (ClickHouse windowFunnel over each visit's events).
import { CustomVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Catalog } from '../catalog.js';
import { clickhouseSql } from '../clickhouse-query.js';
import { siteIs } from './common.js';
import { ranking } from './panels.js';

export const FUNNEL_STEPS = 4;
/** The value that leaves a step out (steps 3 and 4 only): the funnel ends before it. */
export const NO_STEP = 'none';
/** The portfolio's own question: of the visits that saw a page, how many entered the room, and clicked something there. */
export const DEFAULT_FUNNEL: readonly string[] = ['page_view', 'room_enter', 'object_click', NO_STEP];

// /api/funnel's window is the whole range; windowFunnel takes its window as a literal, so this is
// one longer than anything the tables keep (1000 days in ms): within the time filter, the same.
const WINDOW_MS = 1000 * 86_400_000;

/**
 * What a step's target is compared with, by event type, as in /api/funnel: the room for room_*,
 * the object for object_*, the target page for navigation, the path for everything else.
 */
const TARGET =
  "multiIf(type IN ('room_enter', 'room_exit'), toString(room_id), type IN ('object_view', 'object_click'), toString(object_id), type = 'navigation', nav_to, path)";

const stepVariableName = (step: number): string => `funnel_step_${step}`;
const stepSql = (step: number): string => `\${${stepVariableName(step)}:sqlstring}`;

/**
 * Step `step` of the funnel: every event type of the catalog, and the rooms and objects as
 * targets (`object_click:guitar`); any other `TYPE:TARGET` (`page_view:/projects`) can be typed in.
 */
export function funnelStepVariable(step: number, catalog: Catalog): CustomVariableBuilder {
  const rooms = [...new Set(catalog.sites.flatMap((site) => (site.rooms ?? []).map((room) => room.id)))];
  const objects = [
    ...new Set(catalog.sites.flatMap((site) => (site.rooms ?? []).flatMap((room) => (room.objects ?? []).map((object) => object.id)))),
  ];
  const values = [
    ...(step > 2 ? [NO_STEP] : []),
    ...catalog.eventTypes,
    ...rooms.map((room) => `room_enter:${room}`),
    ...objects.flatMap((object) => [`object_view:${object}`, `object_click:${object}`]),
  ];
  const chosen = DEFAULT_FUNNEL[step - 1] ?? NO_STEP;
  return new CustomVariableBuilder(stepVariableName(step))
    .label(`Funnel step ${step}`)
    .description(
      `Step ${step} of the funnel: an event type, or TYPE:TARGET (the path for page_view, the room for room_*, the object for object_*, the target page for navigation)${step > 2 ? `; ${NO_STEP} ends the funnel before this step` : ''}`,
    )
    .values(values.join(','))
    .allowCustomValue(true)
    .current({ text: chosen, value: chosen });
}

export function funnelPanel() {
  const steps = Array.from({ length: FUNNEL_STEPS }, (_, index) => index + 1);
  const matches = (step: number) => `type = ${stepSql(step)} OR typed_target = ${stepSql(step)}`;
  return ranking(
    {
      title: 'Funnel',
      description: [
        "Visits (sessions) that did the steps of the funnel variables in this order within the time range, as /api/funnel counts them: ClickHouse windowFunnel walks each visit's events in time order, and a step counts the visits that reached at least it.",
        "The default is the portfolio's own funnel: 1. page_view, any page seen; 2. room_enter, entered the 3D room; 3. object_click, clicked any object in it.",
        'A step is an event type or TYPE:TARGET (object_click:guitar, page_view:/projects: the target is the path for page_view, the room for room_*, the object for object_*, the target page for navigation); set step 3 or 4 to none for a shorter funnel.',
      ].join(' '),
      unit: 'short',
      width: 24,
      height: 7,
    },
    clickhouseSql(`
          WITH [${steps.map(stepSql).join(', ')}] AS chosen,
            arraySlice(chosen, 1, indexOf(arrayPushBack(chosen, '${NO_STEP}'), '${NO_STEP}') - 1) AS steps
          SELECT concat(toString(n), '. ', steps[n]) AS step, countIf(level >= n) AS sessions
          FROM (
            SELECT windowFunnel(${WINDOW_MS})(toUInt64(toUnixTimestamp64Milli(ts)),
              ${steps
                .map((step) => `${matches(step)},`)
                .join('\n              ')
                .replace(/,$/, '')}) AS level
            FROM (
              SELECT session_key, ts, type, concat(type, ':', ${TARGET}) AS typed_target
              FROM events
              WHERE ${siteIs()} AND session_key != 0 AND type IN arrayMap(s -> splitByChar(':', s)[1], steps) AND $__timeFilter(ts)
            )
            GROUP BY session_key
          )
          ARRAY JOIN arrayEnumerate(steps) AS n
          GROUP BY n
          ORDER BY n
        `),
  );
}
