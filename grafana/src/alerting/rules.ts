// The alert rules, each PromQL expression written once. The provisioned rule file and the
// scenario test both take the expression from here (the test reads it back from the rendered file).
//
// Convention: an expression returns series only while the condition holds, and their values
// are positive (the rate, the share, the missing count), so every rule ends with the same
// Grafana threshold "A > 0" and "no data" means "all is well".

import { otelcolCounter } from '../collector-metrics.js';

export type Severity = 'page' | 'ticket';

export interface AlertRuleSpec {
  /** Stable uid (letters, digits, dashes), also the alert's name in tests and reports. */
  uid: string;
  title: string;
  /** PromQL, evaluated as an instant query every minute. */
  expr: string;
  /** How long the expression must hold before the alert fires: keeps one noisy minute quiet. */
  for: string;
  severity: Severity;
  /** Which part of the stack the alert is about; notification policies route on it. */
  component: 'traffic' | 'ingest' | 'collector';
  summary: string;
  description: string;
}

/** How often Grafana evaluates the group; the scenario test evaluates at the same step. */
export const EVALUATION_INTERVAL_SECONDS = 60;

const accepted = 'footfall_events_accepted_total';

// Events per second per site over the last 5 minutes, and the hour before that as a baseline.
const rateNow = `sum by (site) (rate(${accepted}[5m]))`;
const rateBaseline = `sum by (site) (rate(${accepted}[1h] offset 5m))`;

// Spans per second through each Collector exporter. Spans stand for every signal: traces and
// metrics share the exporter to the ingest service, and a regex over several metric names would
// hit "same labelset" errors in Prometheus 2 once rate() drops the names.
const spansFailed = `sum by (exporter) (rate(${otelcolCounter('exporter_send_failed_spans')}[5m]))`;
const spansSent = `sum by (exporter) (rate(${otelcolCounter('exporter_sent_spans')}[5m]))`;

const browserCounted = 'sum by (site) (increase(footfall_browser_events_total[10m]))';

/**
 * Share of the events browsers counted over 10 minutes that the ingest service did not accept
 * (negative when more arrived than browsers counted, e.g. from visitors without the OpenTelemetry
 * tier). The pipeline dashboard plots it; the divergence rule alerts on it.
 */
export const BROWSER_EVENTS_MISSING_SHARE =
  `(${browserCounted} - sum by (site) (increase(${accepted}[10m])))\n/ ${browserCounted}`;

export const ALERT_RULES: AlertRuleSpec[] = [
  {
    uid: 'footfall-traffic-spike',
    title: 'Traffic spike',
    // Three times the previous hour, and at least 0.2 events/s (12 a minute) above it, so a
    // quiet site going from 1 to 4 events a minute does not page anyone.
    expr: `${rateNow} > 3 * ${rateBaseline}\nand\n${rateNow} - ${rateBaseline} > 0.2`,
    for: '2m',
    severity: 'page',
    component: 'traffic',
    summary: 'Traffic on {{ .Labels.site }} is well above its last hour',
    description:
      '{{ .Labels.site }} receives {{ humanize .Values.A.Value }} events/s over the last 5 minutes, more than three times the hour before. A post going viral, or a bot that got past the filter.',
  },
  {
    uid: 'footfall-tracking-broken',
    title: 'Traffic collapsed to zero',
    // Nothing accepted for 5 minutes while the same hour yesterday had over 360 events (6 a
    // minute): at that rate a silent 5 minutes is not chance. A quiet night stays quiet.
    expr: `sum by (site) (increase(${accepted}[1h] offset 1d)) > 360\nunless on (site)\nsum by (site) (increase(${accepted}[5m])) > 0`,
    for: '2m',
    severity: 'page',
    component: 'traffic',
    summary: 'No events from {{ .Labels.site }} for 5 minutes',
    description:
      '{{ .Labels.site }} had {{ humanize .Values.A.Value }} events in this hour yesterday and none in the last 5 minutes: the tracker, the Collector or the ingest service is broken.',
  },
  {
    uid: 'footfall-refusal-flood',
    title: 'Bot or refusal flood',
    // Refusals of one reason above a quarter of the accepted rate, and above 0.2/s; the
    // `or vector(0)` keeps the rule alive when nothing at all is accepted.
    expr:
      'sum by (reason) (rate(footfall_events_refused_total[5m]))\n' +
      `> on () group_left ()\nclamp_min(0.25 * (sum(rate(${accepted}[5m])) or vector(0)), 0.2)`,
    for: '3m',
    severity: 'ticket',
    component: 'ingest',
    summary: 'Flood of events refused as {{ .Labels.reason }}',
    description:
      '{{ humanize .Values.A.Value }} events/s refused with reason {{ .Labels.reason }} over 5 minutes, more than a quarter of the accepted rate. A bot flood, or a client sending bad data.',
  },
  {
    uid: 'footfall-write-failures',
    title: 'ClickHouse writes failing',
    expr: 'sum by (table) (increase(footfall_write_failures_total[5m])) > 2',
    for: '3m',
    severity: 'page',
    component: 'ingest',
    summary: 'Writes to ClickHouse table {{ .Labels.table }} keep failing',
    description:
      '{{ humanize .Values.A.Value }} failed batch writes to {{ .Labels.table }} in 5 minutes. Events wait in the spool; check that ClickHouse is up.',
  },
  {
    uid: 'footfall-spool-growing',
    title: 'Spool growing',
    // Grown by 64 KiB in 10 minutes and still growing: events pile up on disk instead of
    // reaching ClickHouse. The normal write-ahead log empties with every batch.
    expr: '(footfall_spool_bytes - footfall_spool_bytes offset 10m) > 65536\nand\nderiv(footfall_spool_bytes[10m]) > 0',
    for: '2m',
    severity: 'page',
    component: 'ingest',
    summary: 'The ingest spool is growing on {{ .Labels.instance }}',
    description:
      'The spool grew by {{ humanize1024 .Values.A.Value }}B in 10 minutes. When it reaches SPOOL_MAX_BYTES the service answers 503.',
  },
  {
    uid: 'footfall-collector-export-failing',
    title: 'Collector export failing',
    // More than 10 % of what the exporter handles fails, and more than one item a minute: a
    // small site sends few spans, so an absolute rate alone would miss a quiet hour's outage.
    expr:
      `${spansFailed}\n/ (${spansSent} + ${spansFailed}) > 0.1\n` + `and\n${spansFailed} > 0.016`,
    for: '3m',
    severity: 'page',
    component: 'collector',
    summary: 'The Collector cannot export through {{ .Labels.exporter }}',
    description:
      '{{ humanizePercentage .Values.A.Value }} of the items the Collector exports through {{ .Labels.exporter }} fail. The persistent queue holds them for a while; check the ingest service.',
  },
  {
    uid: 'footfall-browser-ingest-divergence',
    title: 'Browser and ingest disagree',
    // Browsers count the events they track; more than 20 % of them missing from the accepted
    // events over 10 minutes (with at least 50 counted) is data lost on the way.
    expr: `${BROWSER_EVENTS_MISSING_SHARE} > 0.2\nand\n${browserCounted} > 50`,
    for: '3m',
    severity: 'ticket',
    component: 'ingest',
    summary: 'Events reported by browsers on {{ .Labels.site }} are missing from the ingest',
    description:
      '{{ humanizePercentage .Values.A.Value }} of the events browsers counted on {{ .Labels.site }} in 10 minutes were not accepted. Beacons are being lost (blocked, refused or dropped).',
  },
];

export function alertRule(uid: string): AlertRuleSpec {
  const rule = ALERT_RULES.find((candidate) => candidate.uid === uid);
  if (!rule) throw new Error(`no alert rule ${uid}`);
  return rule;
}
