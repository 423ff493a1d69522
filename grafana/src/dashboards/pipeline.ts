// Pipeline health: is every event getting from the browser to ClickHouse?
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  dropLine,
  EXPECTED_RATE,
  EXPECTED_RATE_HIGH,
  EXPECTED_RATE_WEEKLY,
  spikeLine,
  SPIKE_WINDOW_30M,
} from '../alerting/expected-level.js';
import { BROWSER_EVENTS_MISSING_SHARE, type PanelRef } from '../alerting/rules.js';
import type { Catalog } from '../catalog.js';
import { clickhouseSql, clickhouseTimeSeries } from '../clickhouse-query.js';
import { otelcolCounter } from '../collector-metrics.js';
import { promQuery } from '../prometheus-query.js';
import { finishDashboard, newDashboard, siteVariable } from './common.js';
import { serviceAlertsPanel } from './service-alerts.js';
import { stat, table, timeSeries } from './panels.js';

export const PIPELINE_UID = 'footfall-pipeline';

const RATE = '$__rate_interval';

/** The panel each alert links to, by title (ids are assigned in layout order when finishing). */
export const ALERT_PANEL_TITLES: Record<PanelRef, string> = {
  band: 'Expected band: $site',
  refusals: 'Refused events by reason',
  writes: 'Rows written and write failures',
  spool: 'Buffer and spool',
  collector: 'Collector spans',
  'browser-missing': 'Share of browser events missing',
};

/** The rendered panel ids the alert rules link to. */
export function alertPanelIds(dashboard: Dashboard): Record<PanelRef, number> {
  const panels = (dashboard.panels ?? []).flatMap((panel) => [
    panel,
    ...('panels' in panel && Array.isArray(panel.panels) ? panel.panels : []),
  ]);
  const idOf = (title: string): number => {
    const panel = panels.find((candidate) => 'title' in candidate && candidate.title === title);
    if (!panel || typeof panel.id !== 'number') throw new Error(`no panel "${title}" in ${PIPELINE_UID}`);
    return panel.id;
  };
  return Object.fromEntries(Object.entries(ALERT_PANEL_TITLES).map(([ref, title]) => [ref, idOf(title)])) as Record<PanelRef, number>;
}

const bySite = (recorded: string): string => `${recorded}{site="$site"}`;

/**
 * The ingest service's own spans (docs/otlp-mapping.md, "Self-telemetry"): its service.name unless OTEL_SERVICE_NAME
 * renames it. Request spans are named method and route, the write path footfall.batch.write and
 * INSERT <table>.
 */
const OWN_SPANS = `ServiceName = 'footfall-ingest' AND $__timeFilter(Timestamp)`;

export function pipelineDashboard(catalog: Catalog) {
  const builder = newDashboard({
    uid: PIPELINE_UID,
    title: 'Footfall / Pipeline health',
    description:
      'The path of an event from the browser through the Collector and the ingest service to ClickHouse: rates, refusals, write latency and failures, spool, scrape targets, and browser counts beside ingested counts.',
    tags: ['pipeline'],
    refresh: '30s',
    from: 'now-3h',
  })
    .withVariable(siteVariable(catalog))
    .withRow(new RowBuilder('Ingest service'))
    .withPanel(
      timeSeries(
        { title: 'Accepted events by source', description: 'Events accepted per second, beacons and OTLP.', unit: 'cps', width: 8 },
        promQuery(`sum by (source) (rate(footfall_events_accepted_total{site="$site"}[${RATE}]))`, '{{source}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Refused events by reason',
          description: 'Events refused per second, by reason (bots, unknown objects...).',
          unit: 'cps',
          width: 8,
        },
        promQuery(`sum by (reason) (rate(footfall_events_refused_total[${RATE}]))`, '{{reason}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'HTTP requests by status',
          description: 'Requests per second to the ingest service, by route and status.',
          unit: 'reqps',
          width: 8,
        },
        promQuery(`sum by (route, status) (rate(footfall_http_requests_total[${RATE}]))`, '{{route}} {{status}}'),
      ),
    )
    .withPanel(
      timeSeries(
        { title: 'Write latency (p95)', description: '95th percentile of ClickHouse batch write time, by table.', unit: 's', width: 8 },
        promQuery(`histogram_quantile(0.95, sum by (le, table) (rate(footfall_write_duration_seconds_bucket[${RATE}])))`, '{{table}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Rows written and write failures',
          description: 'Rows written per second and failed batch writes per second, by table.',
          unit: 'cps',
          width: 8,
        },
        promQuery(`sum by (table) (rate(footfall_rows_written_total[${RATE}]))`, 'rows {{table}}'),
        promQuery(`sum by (table) (rate(footfall_write_failures_total[${RATE}]))`, 'failures {{table}}', 'B'),
      ),
    )
    .withPanel(
      timeSeries(
        { title: 'Buffer and spool', description: 'Rows waiting in memory, and bytes held in the on-disk spool.', unit: 'bytes', width: 8 },
        promQuery('sum(footfall_spool_bytes)', 'spool bytes'),
        promQuery('sum by (table) (footfall_buffer_rows)', 'buffer rows {{table}}', 'B'),
      ).overrideByRegexp('^buffer rows.*', [{ id: 'unit', value: 'short' }]),
    )
    .withRow(new RowBuilder('Ingest service, from its own spans'))
    .withPanel(
      timeSeries(
        {
          title: 'Latency by stage (p95, own spans)',
          description:
            "The ingest service's own spans, stored through the Collector when self-telemetry is on: 95th percentile of each request route, of a batch write and of each INSERT. Empty when self-telemetry is off.",
          unit: 'ms',
          width: 16,
        },
        clickhouseTimeSeries(`
          SELECT $__timeInterval(Timestamp) AS time, SpanName, quantile(0.95)(Duration) / 1000000 AS p95
          FROM otel_traces
          WHERE ${OWN_SPANS}
          GROUP BY time, SpanName
          ORDER BY time
        `),
      ),
    )
    .withPanel(
      table(
        {
          title: 'Where the time goes (own spans)',
          description: 'Per stage over the time range: how many spans, their median, 95th and 99th percentile, and the error count.',
          unit: 'ms',
          width: 8,
        },
        clickhouseSql(`
          SELECT SpanName AS stage, count() AS spans,
            quantile(0.5)(Duration) / 1000000 AS p50,
            quantile(0.95)(Duration) / 1000000 AS p95,
            quantile(0.99)(Duration) / 1000000 AS p99,
            countIf(StatusCode = 'Error') AS errors
          FROM otel_traces
          WHERE ${OWN_SPANS}
          GROUP BY stage
          ORDER BY p95 DESC
        `),
      )
        .overrideByName('spans', [{ id: 'unit', value: 'short' }])
        .overrideByName('errors', [{ id: 'unit', value: 'short' }]),
    )
    .withRow(new RowBuilder('Collector'))
    .withPanel(
      timeSeries(
        {
          title: 'Collector spans',
          description: 'Spans the Collector accepted, refused, exported and failed to export, per second.',
          unit: 'cps',
          width: 12,
        },
        promQuery(`sum(rate(${otelcolCounter('receiver_accepted_spans')}[${RATE}]))`, 'accepted', 'A'),
        promQuery(`sum(rate(${otelcolCounter('receiver_refused_spans')}[${RATE}]))`, 'refused', 'B'),
        promQuery(`sum(rate(${otelcolCounter('exporter_sent_spans')}[${RATE}]))`, 'exported', 'C'),
        promQuery(`sum(rate(${otelcolCounter('exporter_send_failed_spans')}[${RATE}]))`, 'failed to export', 'D'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Collector metric points',
          description: 'Metric points the Collector accepted, refused, exported and failed to export, per second.',
          unit: 'cps',
          width: 12,
        },
        promQuery(`sum(rate(${otelcolCounter('receiver_accepted_metric_points')}[${RATE}]))`, 'accepted', 'A'),
        promQuery(`sum(rate(${otelcolCounter('receiver_refused_metric_points')}[${RATE}]))`, 'refused', 'B'),
        promQuery(`sum(rate(${otelcolCounter('exporter_sent_metric_points')}[${RATE}]))`, 'exported', 'C'),
        promQuery(`sum(rate(${otelcolCounter('exporter_send_failed_metric_points')}[${RATE}]))`, 'failed to export', 'D'),
      ),
    )
    .withRow(new RowBuilder('End to end'))
    .withPanel(
      stat(
        {
          title: 'Scrape targets up',
          description: 'Prometheus targets answering their last scrape (1) or not (0).',
          unit: 'bool_yes_no',
          width: 8,
          height: 8,
        },
        promQuery('up', '{{job}} {{instance}}').instant(),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Browser-reported vs ingested events',
          description:
            'Events the browsers counted beside the events the ingest service accepted; a gap between them is data lost on the way.',
          unit: 'cps',
          width: 8,
          height: 8,
        },
        promQuery(`sum(rate(footfall_browser_events_total{site="$site"}[${RATE}]))`, 'reported by browsers', 'A'),
        promQuery(`sum(rate(footfall_events_accepted_total{site="$site"}[${RATE}]))`, 'accepted by ingest', 'B'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Share of browser events missing',
          description:
            'Share of the events browsers counted over 10 minutes that the ingest service did not accept; the "Browser and ingest disagree" alert fires above 20 %.',
          unit: 'percentunit',
          width: 8,
          height: 8,
        },
        promQuery(BROWSER_EVENTS_MISSING_SHARE, '{{site}}'),
      ),
    )
    // The traffic alerts' own lines: leaving the band is what pages the owner.
    .withRow(new RowBuilder('Expected traffic'))
    .withPanel(
      timeSeries(
        {
          title: ALERT_PANEL_TITLES.band,
          description:
            'Events a minute on the selected site beside its expected level (the same hour last week, scaled by the growth since; the same hour on the previous day of the same kind for a site younger than a week). Above the spike line (drawn for 30 minutes) is a spike, below the drop line a partial drop; no lines for a site with less than a day of history.',
          unit: 'cpm',
          width: 16,
          height: 9,
        },
        promQuery(`60 * sum(rate(footfall_events_accepted_total{site="$site"}[10m]))`, 'actual (10 min)', 'A'),
        promQuery(`60 * ${bySite(EXPECTED_RATE)}`, 'expected', 'B'),
        promQuery(`60 * ${spikeLine(bySite(EXPECTED_RATE_HIGH), SPIKE_WINDOW_30M)}`, 'spike line', 'C'),
        promQuery(`60 * (${dropLine(bySite(EXPECTED_RATE_WEEKLY))})`, 'drop line', 'D'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Every site against its expected level',
          description:
            "Events over the last 30 minutes as a share of each site's expected level: 100 % is a usual day, the partial-drop alert looks below 65 %.",
          unit: 'percentunit',
          width: 8,
          height: 9,
        },
        promQuery(`sum by (site) (rate(footfall_events_accepted_total[30m]))\n/ ${EXPECTED_RATE}`, '{{site}}'),
      ),
    )
    .withPanel(serviceAlertsPanel());
  return finishDashboard(builder);
}
