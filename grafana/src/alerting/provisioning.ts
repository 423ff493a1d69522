// Grafana-managed alerting as file provisioning documents it: rule groups, contact points and
// notification policies. Rules are built with the Foundation SDK's alerting builders; the file
// format wraps them in groups named by folder title, so the SDK's rule is mapped into it here.
import {
  ContactPointBuilder,
  NotificationPolicyBuilder,
  NotificationTemplateBuilder,
  QueryBuilder,
  RuleBuilder,
  type Rule,
} from '@grafana/grafana-foundation-sdk/alerting';
import { TypeThresholdBuilder } from '@grafana/grafana-foundation-sdk/expr';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { FOLDER_TITLE, FOLDER_UID, prometheus, PROMETHEUS_UID } from '../datasources.js';
import { ALERT_RULES, EVALUATION_INTERVAL_SECONDS, type AlertRuleSpec, type PanelRef } from './rules.js';

export const RULE_GROUP = 'footfall';

/** Contact point names, referred to by the notification policies. */
export const PAGE_CONTACT_POINT = 'footfall-page';
export const EMAIL_CONTACT_POINT = 'footfall-email';

// Grafana's "server expressions" pseudo data source.
const EXPRESSION_DATASOURCE_UID = '__expr__';
const QUERY_WINDOW_SECONDS = 600;

/** Instant PromQL query with a refId, against the Prometheus data source. */
function promQuery(refId: string, expr: string): QueryBuilder {
  return new QueryBuilder(refId)
    .datasourceUid(PROMETHEUS_UID)
    .relativeTimeRange({ from: QUERY_WINDOW_SECONDS, to: 0 })
    .model(new DataqueryBuilder().datasource(prometheus).refId(refId).expr(expr).instant());
}

/** Where each rule's notification links: the dashboard and the panel that show its cause. */
export interface PanelLinks {
  dashboardUid: string;
  panelIds: Record<PanelRef, number>;
}

function buildRule(spec: AlertRuleSpec, links: PanelLinks): Rule {
  const threshold = new QueryBuilder('C').datasourceUid(EXPRESSION_DATASOURCE_UID).model(
    new TypeThresholdBuilder()
      .refId('C')
      .datasource({ type: '__expr__', uid: EXPRESSION_DATASOURCE_UID })
      .expression('A')
      .conditions([{ evaluator: { type: spec.threshold.type, params: [spec.threshold.value] } }]),
  );
  const builder = new RuleBuilder(spec.title)
    .uid(spec.uid)
    .folderUID(FOLDER_UID)
    .ruleGroup(RULE_GROUP)
    .withQuery(promQuery('A', spec.value));
  // B and E only feed the annotations (Grafana offers every instant query's value to templates).
  if (spec.context) builder.withQuery(promQuery('B', spec.context.observed)).withQuery(promQuery('E', spec.context.expected));
  return (
    builder
      .withQuery(threshold)
      .condition('C')
      .forDuration(spec.for)
      // A returns nothing only when what it watches does not exist (a site with no history, a
      // counter that appears on the first failure): that is not an alarm.
      .noDataState('OK')
      .execErrState('Error')
      .labels({ severity: spec.severity, component: spec.component })
      .annotations({
        summary: spec.summary,
        description: spec.description,
        // Grafana builds the notification's dashboard and panel links from these two.
        __dashboardUid__: links.dashboardUid,
        __panelId__: String(links.panelIds[spec.panel]),
      })
      .build()
  );
}

/** The rule in the shape of a provisioning file (`for`, `data`... without the group's fields). */
function toFileRule(rule: Rule): Record<string, unknown> {
  return {
    uid: rule.uid,
    title: rule.title,
    condition: rule.condition,
    data: rule.data,
    noDataState: rule.noDataState,
    execErrState: rule.execErrState,
    for: rule.for,
    labels: rule.labels,
    annotations: rule.annotations,
    isPaused: false,
  };
}

export function alertRulesFile(links: PanelLinks) {
  return {
    apiVersion: 1,
    groups: [
      {
        orgId: 1,
        name: RULE_GROUP,
        folder: FOLDER_TITLE,
        interval: `${EVALUATION_INTERVAL_SECONDS}s`,
        rules: ALERT_RULES.map((spec) => toFileRule(buildRule(spec, links))),
      },
    ],
  };
}

// The notification a person reads: one line of title, then per alert what, where, since when and
// the link to the panel showing it over the alert's time range (filtered to the alert's site).
// No "$" anywhere: Grafana would read it as an environment variable in a provisioning file.
export const TEMPLATE_NAME = 'footfall';
const TITLE = '{{ template "footfall.title" . }}';
const MESSAGE = '{{ template "footfall.message" . }}';
const TEMPLATE = `{{ define "footfall.title" -}}
{{ if eq .Status "firing" }}{{ len .Alerts.Firing }} firing{{ else }}resolved{{ end }}: {{ .CommonLabels.alertname }}{{ with .CommonLabels.site }} on {{ . }}{{ end }}
{{- end }}

{{ define "footfall.message" -}}
{{ range .Alerts -}}
{{ if eq .Status "firing" }}FIRING{{ else }}RESOLVED{{ end }} {{ .Annotations.summary }}
{{ .Annotations.description }}
Since {{ .StartsAt.Format "15:04 MST, Mon 2 Jan" }}{{ with .Labels.severity }} ({{ . }}){{ end }}
{{ if .PanelURL }}See it: {{ .PanelURL }}{{ with .Labels.site }}&var-site={{ . }}{{ end }}
{{ end }}
{{ end -}}
{{- end }}
`;

export function notificationTemplatesFile() {
  const template = new NotificationTemplateBuilder().name(TEMPLATE_NAME).template(TEMPLATE).build();
  return { apiVersion: 1, templates: [{ orgId: 1, name: template.name, template: template.template }] };
}

// Addresses come from the environment when Grafana starts, never from this repository. Each channel
// is optional, so each is its own file: Grafana provisioning has no conditionals, and a contact point
// whose variable is unset would fail to load. Grafana merges the integrations of files that name the
// same contact point, so a file adds its channel to `footfall-page` and `footfall-email`; the Grafana
// service's entrypoint (contact-points/grafana-entrypoint.sh) keeps the files of the channels whose
// variable is set, and refuses to start when none is.

/** Where the per-channel contact point files live: a folder Grafana does not read by itself. */
export const CONTACT_POINTS_DIR = 'provisioning/alerting/contact-points';

/** One optional channel: the file that provisions it and the variable that turns it on. */
export interface ContactPointChannel {
  file: string;
  /** The file is kept when this variable is set (and not empty)... */
  whenSet: string;
  /** ...and, when given, this one is not. */
  whenUnset?: string;
  document: ReturnType<typeof contactPointsDocument>;
}

type Receiver = ReturnType<ContactPointBuilder['build']>;

const receiver = ({ uid, type, settings, disableResolveMessage }: Receiver) => ({
  uid,
  type,
  settings,
  disableResolveMessage: disableResolveMessage ?? false,
});

function contactPointsDocument(points: Array<{ name: string; receivers: Receiver[] }>) {
  return { apiVersion: 1, contactPoints: points.map(({ name, receivers }) => ({ orgId: 1, name, receivers: receivers.map(receiver) })) };
}

const WEBHOOK_VARIABLE = 'FOOTFALL_ALERT_WEBHOOK_URL';
const EMAIL_VARIABLE = 'FOOTFALL_ALERT_EMAIL';

const webhook = (uid: string, name: string): Receiver =>
  new ContactPointBuilder()
    .uid(uid)
    .name(name)
    .type('webhook')
    .settings({ url: `\${${WEBHOOK_VARIABLE}}`, httpMethod: 'POST', title: TITLE, message: MESSAGE })
    .build();

const email = (uid: string, name: string): Receiver =>
  new ContactPointBuilder()
    .uid(uid)
    .name(name)
    .type('email')
    .settings({ addresses: `\${${EMAIL_VARIABLE}}`, singleEmail: true, subject: TITLE, message: MESSAGE })
    .build();

/**
 * The channels: pages go to the webhook and to email, everything else to email; with no email
 * address, everything else goes to the webhook too rather than nowhere.
 */
export function contactPointChannels(): ContactPointChannel[] {
  return [
    {
      file: 'webhook.yaml',
      whenSet: WEBHOOK_VARIABLE,
      document: contactPointsDocument([{ name: PAGE_CONTACT_POINT, receivers: [webhook('footfall-webhook', PAGE_CONTACT_POINT)] }]),
    },
    {
      file: 'email.yaml',
      whenSet: EMAIL_VARIABLE,
      document: contactPointsDocument([
        { name: PAGE_CONTACT_POINT, receivers: [email('footfall-page-email', PAGE_CONTACT_POINT)] },
        { name: EMAIL_CONTACT_POINT, receivers: [email('footfall-email', EMAIL_CONTACT_POINT)] },
      ]),
    },
    {
      file: 'webhook-without-email.yaml',
      whenSet: WEBHOOK_VARIABLE,
      whenUnset: EMAIL_VARIABLE,
      document: contactPointsDocument([
        { name: EMAIL_CONTACT_POINT, receivers: [webhook('footfall-ticket-webhook', EMAIL_CONTACT_POINT)] },
      ]),
    },
  ];
}

export function notificationPoliciesFile() {
  const pages = new NotificationPolicyBuilder()
    .receiver(PAGE_CONTACT_POINT)
    .objectMatchers([['severity', '=', 'page']])
    .groupWait('30s')
    .repeatInterval('1h')
    .build();
  const root = new NotificationPolicyBuilder()
    .receiver(EMAIL_CONTACT_POINT)
    .groupBy(['grafana_folder', 'alertname', 'site'])
    .groupWait('1m')
    .groupInterval('5m')
    .repeatInterval('4h')
    .routes([{ build: () => pages }])
    .build();
  return { apiVersion: 1, policies: [{ orgId: 1, ...root }] };
}
