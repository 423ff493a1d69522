// Performance: web vitals and page loads measured in real visitors' browsers.
import { ATTR, METRIC } from '@footfall/contract';
import type { Catalog } from '../catalog.js';
import { clickhouseSql, clickhouseTimeSeries } from '../clickhouse-query.js';
import { CLICKHOUSE_UID } from '../datasources.js';
import { finishDashboard, newDashboard, pageIs, pageVariable, siteIs, siteVariable } from './common.js';
import { table, timeSeries } from './panels.js';

export const PERFORMANCE_UID = 'footfall-performance';

const WEB_VITALS = ['lcp', 'inp', 'cls', 'fcp', 'ttfb'] as const;

// The 75th percentile of a histogram is read from its merged buckets: the upper bound of the
// bucket where the running count passes 75 %. The browser sends histograms, not raw values, so
// this is the precision the data has (the buckets are the Web Vitals thresholds).
const webVitalsP75Sql = `
  SELECT path, ${WEB_VITALS.map((v) => `maxIf(p75, name = '${METRIC.webVitalPrefix}${v}') AS ${v}`).join(', ')}, sum(samples) AS samples
  FROM (
    SELECT path, name, sumForEach(bucket_counts) AS buckets, any(explicit_bounds) AS bounds, sum(count) AS samples,
      arrayFirstIndex(running -> running >= 0.75 * arraySum(buckets), arrayCumSum(buckets)) AS p75_bucket,
      if(p75_bucket = 0, 0, bounds[least(p75_bucket, length(bounds))]) AS p75
    FROM metric_points
    WHERE ${siteIs()} AND kind = 'histogram' AND name LIKE '${METRIC.webVitalPrefix}%' AND ${pageIs()} AND $__timeFilter(ts)
    GROUP BY path, name
  )
  GROUP BY path
  ORDER BY samples DESC
  LIMIT 50
`;

// The trace view of the ClickHouse data source reads these column names (the Jaeger-like
// shape Grafana's trace panel expects); durations in milliseconds.
const traceByIdSql = `
  SELECT TraceId AS traceID, SpanId AS spanID, ParentSpanId AS parentSpanID, ServiceName AS serviceName,
    SpanName AS operationName, toUnixTimestamp64Milli(Timestamp) AS startTime, Duration / 1000000 AS duration,
    arrayMap(key -> map('key', key, 'value', SpanAttributes[key]), mapKeys(SpanAttributes)) AS tags,
    arrayMap(key -> map('key', key, 'value', ResourceAttributes[key]), mapKeys(ResourceAttributes)) AS serviceTags
  FROM otel_traces
  WHERE TraceId = '\${__value.raw}'
  ORDER BY startTime
`;

/** The SQL the "open trace" link runs, for the test to run it with a real trace id. */
export const TRACE_BY_ID_SQL = clickhouseSql(traceByIdSql).format('traces').build().rawSql;

const openTraceLink = {
  title: 'Open trace',
  url: '',
  internal: {
    datasourceUid: CLICKHOUSE_UID,
    datasourceName: 'ClickHouse',
    query: clickhouseSql(traceByIdSql).format('traces').build(),
  },
};

export function performanceDashboard(catalog: Catalog) {
  const builder = newDashboard({
    uid: PERFORMANCE_UID,
    title: 'Footfall / Performance',
    description: 'Web vitals at the 75th percentile by page, page-load timing, the slowest fetches, and slow page loads opened as traces.',
    tags: ['performance'],
  })
    .withVariable(siteVariable(catalog))
    .withVariable(pageVariable())
    .withPanel(
      table(
        {
          title: 'Web vitals at p75 by page',
          description: 'LCP, INP, FCP and TTFB in milliseconds and CLS (unitless) at the 75th percentile, per page.',
          unit: 'ms',
          width: 24,
        },
        clickhouseSql(webVitalsP75Sql),
      )
        .overrideByName('cls', [
          { id: 'unit', value: 'none' },
          { id: 'decimals', value: 3 },
        ])
        .overrideByName('samples', [{ id: 'unit', value: 'short' }]),
    )
    .withPanel(
      timeSeries(
        { title: 'Document load', description: 'Duration of the documentLoad span (navigation to load event), percentiles.', unit: 'ms' },
        clickhouseTimeSeries(`
          SELECT $__timeInterval(Timestamp) AS time,
            quantile(0.5)(Duration) / 1000000 AS p50, quantile(0.75)(Duration) / 1000000 AS p75, quantile(0.95)(Duration) / 1000000 AS p95
          FROM otel_traces
          WHERE SpanName = 'documentLoad' AND ResourceAttributes['${ATTR.site}'] = \${site:sqlstring} AND $__timeFilter(Timestamp)
          GROUP BY time
          ORDER BY time
        `),
      ),
    )
    .withPanel(
      table(
        { title: 'Slowest fetches', description: 'The slowest resource and fetch spans in the time range.', unit: 'ms' },
        clickhouseSql(`
          SELECT Timestamp AS time, SpanName AS span,
            coalesce(nullIf(SpanAttributes['url.full'], ''), nullIf(SpanAttributes['http.url'], ''), SpanName) AS url,
            Duration / 1000000 AS duration_ms, TraceId AS trace_id
          FROM otel_traces
          WHERE (SpanName = 'resourceFetch' OR SpanKind IN ('Client', 'SPAN_KIND_CLIENT'))
            AND ResourceAttributes['${ATTR.site}'] = \${site:sqlstring} AND $__timeFilter(Timestamp)
          ORDER BY Duration DESC
          LIMIT 20
        `),
      ).overrideByName('time', [{ id: 'unit', value: 'dateTimeAsIso' }]),
    )
    .withPanel(
      table(
        {
          title: 'Slow page loads (open as trace)',
          description: 'Page loads slower than 3 s; the trace id opens the whole trace in the ClickHouse trace view.',
          unit: 'ms',
          width: 24,
        },
        clickhouseSql(`
          SELECT Timestamp AS time, SpanAttributes['url.path'] AS path, Duration / 1000000 AS duration_ms, TraceId AS traceID
          FROM otel_traces
          WHERE SpanName = 'documentLoad' AND Duration > 3000000000
            AND ResourceAttributes['${ATTR.site}'] = \${site:sqlstring} AND $__timeFilter(Timestamp)
          ORDER BY Duration DESC
          LIMIT 50
        `),
      )
        .overrideByName('time', [{ id: 'unit', value: 'dateTimeAsIso' }])
        .overrideByName('traceID', [{ id: 'links', value: [openTraceLink] }]),
    );
  return finishDashboard(builder);
}
