// Hotspots: the elements of each page clicked most (ui_click events, any element), from the
// hourly rollup hotspots_per_hour (migrations 0040-0042), as /api/hotspots' top elements read it.
import { clickhouseSql } from '../clickhouse-query.js';
import { pageIs, siteIs } from './common.js';
import { table } from './panels.js';

/** Elements listed per page. */
export const HOTSPOTS_PER_PAGE = 10;

export function hotspotsPanel() {
  return table(
    {
      title: 'Most clicked elements',
      description: `Per page, the ${HOTSPOTS_PER_PAGE} elements clicked most in the time range (any element, not only the room's objects), with their tag and the mean place of the clicks on the document (% of its width and height; clicks sent without a place, such as OpenTelemetry clicks, count but have none). Read from the hourly rollup hotspots_per_hour, so the range counts whole hours. Selectors past a page's first 100 of the day are "other elements".`,
      unit: 'short',
      width: 12,
      height: 10,
    },
    clickhouseSql(`
      SELECT path, selector, toString(tag) AS tag, sum(clicks) AS clicks,
        sum(sum_x) / nullIf(sum(placed), 0) AS mean_x, sum(sum_y) / nullIf(sum(placed), 0) AS mean_y
      FROM hotspots_per_hour
      WHERE ${siteIs()} AND kind = 'element' AND ${pageIs()} AND $__timeFilter(hour)
      GROUP BY path, selector, tag
      ORDER BY path, clicks DESC, selector, tag
      LIMIT ${HOTSPOTS_PER_PAGE} BY path
    `),
  )
    .overrideByName('mean_x', [{ id: 'unit', value: 'percent' }])
    .overrideByName('mean_y', [{ id: 'unit', value: 'percent' }]);
}
