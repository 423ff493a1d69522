// Hotspots: the elements of each page clicked most (ui_click events, any element), read as
// /api/hotspots reads the overview's (ingest/src/hotspots/hotspot-sources.ts): whole UTC weeks
// (from Monday), then the whole days and hours left over, from hotspot_elements_per_span
// (migrations 0055-0057), and raw events for the range's partial hours, so the figures are the
// API's for any range. The hourly rollup is ordered for one page's heatmap: a range of every page
// read from it scanned each of its rows.
import { clickhouseSql } from '../clickhouse-query.js';
import { pageIs, siteIs } from './common.js';
import { table } from './panels.js';

/** Elements listed per page. */
export const HOTSPOTS_PER_PAGE = 10;

const HOUR = 3600;
const DAY = 86_400;
const WEEK = 7 * DAY;
/** UTC weeks begin on Mondays: the first after the epoch is 1970-01-05. */
const WEEK_OFFSET = 4 * DAY;

/**
 * The whole units of each span inside the range `[range_from, range_to)`, each span inside the
 * next finer one's (as hotspot-sources.ts works them out): `<span>_first`, `<span>_last` in epoch
 * seconds. A span with no whole unit has both at the end of the finer one's, and covers nothing.
 */
const SPAN_BOUNDS = [
  'toUInt32(toUnixTimestamp($__fromTime)) AS range_from, toUInt32(toUnixTimestamp($__toTime)) AS range_to',
  `intDiv(range_from + ${HOUR - 1}, ${HOUR}) * ${HOUR} AS hour_ceil, intDiv(range_to, ${HOUR}) * ${HOUR} AS hour_floor`,
  'if(hour_floor > hour_ceil, hour_ceil, range_to) AS hour_first, if(hour_floor > hour_ceil, hour_floor, range_to) AS hour_last',
  `intDiv(hour_first + ${DAY - 1}, ${DAY}) * ${DAY} AS day_ceil, intDiv(hour_last, ${DAY}) * ${DAY} AS day_floor`,
  'if(day_floor > day_ceil, day_ceil, hour_last) AS day_first, if(day_floor > day_ceil, day_floor, hour_last) AS day_last',
  `intDiv(day_first - ${WEEK_OFFSET} + ${WEEK - 1}, ${WEEK}) * ${WEEK} + ${WEEK_OFFSET} AS week_ceil`,
  `intDiv(day_last - ${WEEK_OFFSET}, ${WEEK}) * ${WEEK} + ${WEEK_OFFSET} AS week_floor`,
  'if(week_floor > week_ceil, week_ceil, day_last) AS week_first, if(week_floor > week_ceil, week_floor, day_last) AS week_last',
];

const between = (first: string, last: string) => `(start >= toDateTime(${first}) AND start < toDateTime(${last}))`;

/** Of each span, the whole units the next coarser span's whole units leave over at both ends. */
const SPAN_ROWS = [
  `(span = 'week' AND ${between('week_first', 'week_last')})`,
  `(span = 'day' AND (${between('day_first', 'week_first')} OR ${between('week_last', 'day_last')}))`,
  `(span = 'hour' AND (${between('hour_first', 'day_first')} OR ${between('day_last', 'hour_last')}))`,
];

export function hotspotsPanel() {
  return table(
    {
      title: 'Most clicked elements',
      description: `Per page, the ${HOTSPOTS_PER_PAGE} elements clicked most in the time range (any element, not only the room's objects), with their tag and the mean place of the clicks on the document (% of its width and height; clicks sent without a place, such as OpenTelemetry clicks, count but have none). The same figures as the overview's hotspots: whole weeks, days and hours from the rollup hotspot_elements_per_span, the range's partial hours from raw events. Selectors past a page's first 100 of the day are "other elements" (an empty selector).`,
      unit: 'short',
      width: 12,
      height: 10,
    },
    clickhouseSql(`
      WITH ${SPAN_BOUNDS.join(',\n        ')}
      SELECT path, selector, any(tag) AS tag, sum(clicks) AS clicks,
        sum(sum_x) / nullIf(sum(placed), 0) AS mean_x, sum(sum_y) / nullIf(sum(placed), 0) AS mean_y
      FROM (
        SELECT path, selector, toString(tag) AS tag, clicks, placed, sum_x, sum_y
        FROM hotspot_elements_per_span
        WHERE ${siteIs()} AND ${pageIs()}
          AND (${SPAN_ROWS.join('\n            OR ')})
        UNION ALL
        SELECT path, props['selector'] AS selector, props['tag'] AS tag, 1 AS clicks, has_place AS placed,
          has_place * ifNull(px, 0) AS sum_x, has_place * ifNull(py, 0) AS sum_y
        FROM (
          SELECT path, props, toUInt8OrNull(props['x']) AS px, toUInt8OrNull(props['y']) AS py,
            toUInt8(px IS NOT NULL AND py IS NOT NULL AND px <= 100 AND py <= 100) AS has_place
          FROM events
          WHERE ${siteIs()} AND type = 'ui_click' AND ${pageIs()}
            AND ((ts >= toDateTime64(range_from, 3) AND ts < toDateTime64(hour_first, 3)) OR (ts >= toDateTime64(hour_last, 3) AND ts < toDateTime64(range_to, 3)))
        )
      )
      GROUP BY path, selector
      ORDER BY path, clicks DESC, selector
      LIMIT ${HOTSPOTS_PER_PAGE} BY path
    `),
  )
    .overrideByName('mean_x', [{ id: 'unit', value: 'percent' }])
    .overrideByName('mean_y', [{ id: 'unit', value: 'percent' }]);
}
