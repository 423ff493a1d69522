// The alert rules, each PromQL expression written once. The provisioned rule file and the
// scenario test both take the expression from here (the test reads it back from the rendered file).
//
// Convention: a rule's query A returns a value for everything it watches, alarming or not (a
// rate, a ratio to a line, a missing count), and the rule's threshold stage alone decides whether
// it alarms. So a test can tell "quiet" from "matched nothing", and judges A through the rule's own
// threshold, never through a number of its own.

import { otelcolCounter } from '../collector-metrics.js';
import {
  cappedRate30m,
  dropLine,
  EXPECTED_RATE,
  EXPECTED_RATE_HIGH,
  EXPECTED_RATE_WEEKLY,
  expectedOver,
  observedRate,
  spikeLine,
} from './expected-level.js';
import {
  BROKEN_DETECT_WITHIN_MINUTES,
  BROKEN_FOR_MINUTES,
  BROKEN_MIN_EXPECTED_EVENTS,
  BROKEN_SILENCE_MINUTES,
  DROP_DETECT_WITHIN_MINUTES,
  DROP_FOR_MINUTES,
  DROP_WINDOW_MINUTES,
  SPIKE_DETECT_WITHIN_MINUTES,
  SPIKE_FOR_MINUTES,
  SPIKE_WINDOW_10M,
  SPIKE_WINDOW_30M,
} from '@footfall/contract';

export type Severity = 'page' | 'ticket';

/** Which panel shows what the alert is about; notifications link to it with the alert's time range. */
export type PanelRef = 'band' | 'refusals' | 'writes' | 'spool' | 'collector' | 'browser-missing';

export interface AlertRuleSpec {
  /** Stable uid (letters, digits, dashes), also the alert's name in tests and reports. */
  uid: string;
  title: string;
  /** PromQL, evaluated as an instant query every minute: query A. */
  value: string;
  /** The threshold stage: the rule alarms while A is above (`gt`) or below (`lt`) this value. */
  threshold: { type: 'gt' | 'lt'; value: number };
  /** How long the threshold must hold before the alert fires: keeps one noisy minute quiet. */
  for: string;
  /**
   * What the alert promises: an anomaly of the kind it watches fires it within this long (the
   * scenario test holds every rule to its own promise).
   */
  detectWithin: string;
  severity: Severity;
  /** Which part of the stack the alert is about; notification policies route on it. */
  component: 'traffic' | 'ingest' | 'collector';
  /** Extra instant queries whose values the annotations quote: B what is seen, E what was expected. */
  context?: { observed: string; expected: string };
  panel: PanelRef;
  summary: string;
  description: string;
}

/** How often Grafana evaluates the group; the scenario test evaluates at the same step. */
export const EVALUATION_INTERVAL_SECONDS = 60;

const accepted = 'footfall_events_accepted_total';

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
export const BROWSER_EVENTS_MISSING_SHARE = `(${browserCounted} - sum by (site) (increase(${accepted}[10m])))\n/ ${browserCounted}`;

const perMinute = (perSecond: string): string => `60 * ${perSecond}`;

/** The larger of two vectors with the same labels, element by element. */
const larger = (a: string, b: string): string => `(\n(\n${a}\n) > (\n${b}\n)\n)\nor\n(\n${b}\n)`;

const quarantined = 'footfall_rows_quarantined_total';

// Annotation wording shared by the traffic rules: the site, what is seen, what was expected.
const seenAgainstExpected =
  '{{ .Labels.site }}: {{ humanize .Values.B.Value }} events/min, expected about {{ humanize .Values.E.Value }} for this time of day and week.';

export const ALERT_RULES: AlertRuleSpec[] = [
  {
    uid: 'footfall-traffic-spike',
    title: 'Traffic spike',
    // How far above the spike line the site is (1 = on it), over 10 minutes (a busy site is
    // caught fast) or over 30 with each minute capped (a quiet site needs the longer window to
    // rise above its floor, and one visitor's burst must not carry it there).
    value: larger(
      `${observedRate(`${SPIKE_WINDOW_10M.minutes}m`)}\n/ ${spikeLine(expectedOver(EXPECTED_RATE_HIGH, SPIKE_WINDOW_10M.minutes), SPIKE_WINDOW_10M)}`,
      `${cappedRate30m(EXPECTED_RATE_HIGH)}\n/ ${spikeLine(expectedOver(EXPECTED_RATE_HIGH, SPIKE_WINDOW_30M.minutes), SPIKE_WINDOW_30M)}`,
    ),
    threshold: { type: 'gt', value: 1 },
    for: `${SPIKE_FOR_MINUTES}m`,
    detectWithin: `${SPIKE_DETECT_WITHIN_MINUTES}m`,
    severity: 'page',
    component: 'traffic',
    context: { observed: perMinute(observedRate(`${SPIKE_WINDOW_10M.minutes}m`)), expected: perMinute(EXPECTED_RATE_HIGH) },
    panel: 'band',
    summary: 'Traffic spike on {{ .Labels.site }}',
    description: `${seenAgainstExpected} A post going viral, or a bot that got past the filter.`,
  },
  {
    uid: 'footfall-partial-drop',
    title: 'Traffic partly gone',
    // Observed over the drop line (1 = on it): below 65 % of last week's level for the hour,
    // where the site expects enough events to tell (20 a minute). Needs eight days of history.
    value: `${observedRate(`${DROP_WINDOW_MINUTES}m`)}\n/ (${dropLine(expectedOver(EXPECTED_RATE_WEEKLY, DROP_WINDOW_MINUTES))})`,
    threshold: { type: 'lt', value: 1 },
    for: `${DROP_FOR_MINUTES}m`,
    detectWithin: `${DROP_DETECT_WITHIN_MINUTES}m`,
    severity: 'page',
    component: 'traffic',
    context: {
      observed: perMinute(observedRate(`${DROP_WINDOW_MINUTES}m`)),
      expected: perMinute(expectedOver(EXPECTED_RATE_WEEKLY, DROP_WINDOW_MINUTES)),
    },
    panel: 'band',
    summary: 'Traffic on {{ .Labels.site }} is well below its usual level',
    description: `${seenAgainstExpected} Tracking broken on some pages, a blocker list, or a CDN rule turning visitors away.`,
  },
  {
    uid: 'footfall-tracking-broken',
    title: 'Traffic collapsed to zero',
    // Events the site should have sent in the silence window, counted only while none came.
    value: `${BROKEN_SILENCE_MINUTES * 60} * ${EXPECTED_RATE}\n* (sum by (site) (increase(${accepted}[${BROKEN_SILENCE_MINUTES}m])) == bool 0)`,
    threshold: { type: 'gt', value: BROKEN_MIN_EXPECTED_EVENTS },
    for: `${BROKEN_FOR_MINUTES}m`,
    detectWithin: `${BROKEN_DETECT_WITHIN_MINUTES}m`,
    severity: 'page',
    component: 'traffic',
    context: { observed: perMinute(observedRate(`${BROKEN_SILENCE_MINUTES}m`)), expected: perMinute(EXPECTED_RATE) },
    panel: 'band',
    summary: `No events from {{ .Labels.site }} for ${BROKEN_SILENCE_MINUTES + BROKEN_FOR_MINUTES} minutes`,
    description: `${seenAgainstExpected} The tracker, the Collector or the ingest service is broken.`,
  },
  {
    uid: 'footfall-refusal-flood',
    title: 'Bot or refusal flood',
    // Refusals of one reason against a quarter of the accepted rate, and at least 0.2/s; refused
    // events carry no trusted site, so this one watches the whole service. `or vector(0)` keeps
    // it alive when nothing at all is accepted.
    value:
      'sum by (reason) (rate(footfall_events_refused_total[5m]))\n' +
      `/ on () group_left ()\nclamp_min(0.25 * (sum(rate(${accepted}[5m])) or vector(0)), 0.2)`,
    threshold: { type: 'gt', value: 1 },
    for: '3m',
    detectWithin: '10m',
    severity: 'ticket',
    component: 'ingest',
    panel: 'refusals',
    summary: 'Flood of events refused as {{ .Labels.reason }}',
    description:
      'Events refused with reason {{ .Labels.reason }} run at {{ humanize .Values.A.Value }} times a quarter of the accepted rate. A bot flood, or a client sending bad data.',
  },
  {
    uid: 'footfall-write-failures',
    title: 'ClickHouse writes failing',
    value: 'sum by (table) (increase(footfall_write_failures_total[5m]))',
    threshold: { type: 'gt', value: 2 },
    for: '3m',
    detectWithin: '10m',
    severity: 'page',
    component: 'ingest',
    panel: 'writes',
    summary: 'Writes to ClickHouse table {{ .Labels.table }} keep failing',
    description:
      '{{ humanize .Values.A.Value }} failed batch writes to {{ .Labels.table }} in 5 minutes. Events wait in the spool; check that ClickHouse is up.',
  },
  {
    uid: 'footfall-rows-quarantined',
    title: 'Rows quarantined',
    // Rows ClickHouse refused for their content and the pipeline set aside. A table's counter
    // may appear only with its first quarantined rows, so a series absent 15 minutes ago counts
    // with its whole value (increase() needs two samples and would miss it).
    value: `max by (table) (\nincrease(${quarantined}[15m])\nor\n(${quarantined} unless ${quarantined} offset 15m)\n)`,
    threshold: { type: 'gt', value: 0 },
    for: '0m',
    detectWithin: '5m',
    severity: 'ticket',
    component: 'ingest',
    panel: 'writes',
    summary: 'Rows of {{ .Labels.table }} were quarantined',
    description:
      'ClickHouse refused {{ humanize .Values.A.Value }} rows of {{ .Labels.table }} in 15 minutes for their content; they are set aside, not stored. Look at the rejected rows and the ingest log for the reason.',
  },
  {
    uid: 'footfall-spool-growing',
    title: 'Spool growing',
    // Growth over 10 minutes, counted only while still growing: events pile up on disk instead
    // of reaching ClickHouse. The normal write-ahead log empties with every batch.
    value: '(footfall_spool_bytes - footfall_spool_bytes offset 10m)\n* (deriv(footfall_spool_bytes[10m]) > bool 0)',
    threshold: { type: 'gt', value: 65536 },
    for: '2m',
    detectWithin: '10m',
    severity: 'page',
    component: 'ingest',
    panel: 'spool',
    summary: 'The ingest spool is growing on {{ .Labels.instance }}',
    description:
      'The spool grew by {{ humanize1024 .Values.A.Value }}B in 10 minutes. When it reaches SPOOL_MAX_BYTES the service answers 503.',
  },
  {
    uid: 'footfall-collector-export-failing',
    title: 'Collector export failing',
    // Failures against the larger of 10 % of what the exporter handles and one item a minute: a
    // small site sends few spans, so an absolute rate alone would miss a quiet hour's outage.
    value: `${spansFailed}\n/ clamp_min(0.1 * (${spansSent} + ${spansFailed}), 0.016)`,
    threshold: { type: 'gt', value: 1 },
    for: '3m',
    detectWithin: '10m',
    severity: 'page',
    component: 'collector',
    panel: 'collector',
    summary: 'The Collector cannot export through {{ .Labels.exporter }}',
    description:
      'Failures through {{ .Labels.exporter }} run at {{ humanize .Values.A.Value }} times the alarm line (10 % of what it exports). The persistent queue holds them for a while; check the ingest service.',
  },
  {
    uid: 'footfall-browser-ingest-divergence',
    title: 'Browser and ingest disagree',
    // Share of the events browsers counted that were not accepted, over 10 minutes, counted
    // only with at least 50 counted: a few lost beacons on a quiet site are not data loss.
    value: `(\n${BROWSER_EVENTS_MISSING_SHARE}\n)\n* (${browserCounted} > bool 50)`,
    threshold: { type: 'gt', value: 0.2 },
    for: '3m',
    detectWithin: '10m',
    severity: 'ticket',
    component: 'ingest',
    panel: 'browser-missing',
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
