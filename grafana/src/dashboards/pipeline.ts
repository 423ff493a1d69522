// Pipeline health: is every event getting from the browser to ClickHouse?
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { BROWSER_EVENTS_MISSING_SHARE } from '../alerting/rules.js';
import type { Catalog } from '../catalog.js';
import { otelcolCounter } from '../collector-metrics.js';
import { promQuery } from '../prometheus-query.js';
import { finishDashboard, newDashboard, siteVariable } from './common.js';
import { stat, timeSeries } from './panels.js';

export const PIPELINE_UID = 'footfall-pipeline';

const RATE = '$__rate_interval';

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
        { title: 'Refused events by reason', description: 'Events refused per second, by reason (bots, unknown objects...).', unit: 'cps', width: 8 },
        promQuery(`sum by (reason) (rate(footfall_events_refused_total[${RATE}]))`, '{{reason}}'),
      ),
    )
    .withPanel(
      timeSeries(
        { title: 'HTTP requests by status', description: 'Requests per second to the ingest service, by route and status.', unit: 'reqps', width: 8 },
        promQuery(`sum by (route, status) (rate(footfall_http_requests_total[${RATE}]))`, '{{route}} {{status}}'),
      ),
    )
    .withPanel(
      timeSeries(
        { title: 'Write latency (p95)', description: '95th percentile of ClickHouse batch write time, by table.', unit: 's', width: 8 },
        promQuery(
          `histogram_quantile(0.95, sum by (le, table) (rate(footfall_write_duration_seconds_bucket[${RATE}])))`,
          '{{table}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        { title: 'Rows written and write failures', description: 'Rows written per second and failed batch writes per second, by table.', unit: 'cps', width: 8 },
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
    .withRow(new RowBuilder('Collector'))
    .withPanel(
      timeSeries(
        { title: 'Collector spans', description: 'Spans the Collector accepted, refused, exported and failed to export, per second.', unit: 'cps', width: 12 },
        promQuery(`sum(rate(${otelcolCounter('receiver_accepted_spans')}[${RATE}]))`, 'accepted', 'A'),
        promQuery(`sum(rate(${otelcolCounter('receiver_refused_spans')}[${RATE}]))`, 'refused', 'B'),
        promQuery(`sum(rate(${otelcolCounter('exporter_sent_spans')}[${RATE}]))`, 'exported', 'C'),
        promQuery(`sum(rate(${otelcolCounter('exporter_send_failed_spans')}[${RATE}]))`, 'failed to export', 'D'),
      ),
    )
    .withPanel(
      timeSeries(
        { title: 'Collector metric points', description: 'Metric points the Collector accepted, refused, exported and failed to export, per second.', unit: 'cps', width: 12 },
        promQuery(`sum(rate(${otelcolCounter('receiver_accepted_metric_points')}[${RATE}]))`, 'accepted', 'A'),
        promQuery(`sum(rate(${otelcolCounter('receiver_refused_metric_points')}[${RATE}]))`, 'refused', 'B'),
        promQuery(`sum(rate(${otelcolCounter('exporter_sent_metric_points')}[${RATE}]))`, 'exported', 'C'),
        promQuery(`sum(rate(${otelcolCounter('exporter_send_failed_metric_points')}[${RATE}]))`, 'failed to export', 'D'),
      ),
    )
    .withRow(new RowBuilder('End to end'))
    .withPanel(
      stat(
        { title: 'Scrape targets up', description: 'Prometheus targets answering their last scrape (1) or not (0).', unit: 'bool_yes_no', width: 8, height: 8 },
        promQuery('up', '{{job}} {{instance}}').instant(),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Browser-reported vs ingested events',
          description: 'Events the browsers counted beside the events the ingest service accepted; a gap between them is data lost on the way.',
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
          description: 'Share of the events browsers counted over 10 minutes that the ingest service did not accept; the "Browser and ingest disagree" alert fires above 20 %.',
          unit: 'percentunit',
          width: 8,
          height: 8,
        },
        promQuery(BROWSER_EVENTS_MISSING_SHARE, '{{site}}'),
      ),
    );
  return finishDashboard(builder);
}
