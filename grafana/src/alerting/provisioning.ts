// Grafana-managed alerting as file provisioning documents it: rule groups, contact points and
// notification policies. Rules are built with the Foundation SDK's alerting builders; the file
// format wraps them in groups named by folder title, so the SDK's rule is mapped into it here.
import {
  ContactPointBuilder,
  NotificationPolicyBuilder,
  QueryBuilder,
  RuleBuilder,
  type Rule,
} from '@grafana/grafana-foundation-sdk/alerting';
import { TypeThresholdBuilder } from '@grafana/grafana-foundation-sdk/expr';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { FOLDER_TITLE, FOLDER_UID, prometheus, PROMETHEUS_UID } from '../datasources.js';
import { ALERT_RULES, EVALUATION_INTERVAL_SECONDS, type AlertRuleSpec } from './rules.js';

export const RULE_GROUP = 'footfall';

/** Contact point names, referred to by the notification policies. */
export const PAGE_CONTACT_POINT = 'footfall-page';
export const EMAIL_CONTACT_POINT = 'footfall-email';

// Grafana's "server expressions" pseudo data source.
const EXPRESSION_DATASOURCE_UID = '__expr__';
const QUERY_WINDOW_SECONDS = 600;

function buildRule(spec: AlertRuleSpec): Rule {
  const query = new QueryBuilder('A')
    .datasourceUid(PROMETHEUS_UID)
    .relativeTimeRange({ from: QUERY_WINDOW_SECONDS, to: 0 })
    .model(new DataqueryBuilder().datasource(prometheus).refId('A').expr(spec.expr).instant());
  const threshold = new QueryBuilder('C')
    .datasourceUid(EXPRESSION_DATASOURCE_UID)
    .model(
      new TypeThresholdBuilder()
        .refId('C')
        .datasource({ type: '__expr__', uid: EXPRESSION_DATASOURCE_UID })
        .expression('A')
        .conditions([{ evaluator: { type: 'gt', params: [0] } }]),
    );
  return new RuleBuilder(spec.title)
    .uid(spec.uid)
    .folderUID(FOLDER_UID)
    .ruleGroup(RULE_GROUP)
    .withQuery(query)
    .withQuery(threshold)
    .condition('C')
    .forDuration(spec.for)
    // The expressions return nothing while all is well, so "no data" is the healthy state.
    .noDataState('OK')
    .execErrState('Error')
    .labels({ severity: spec.severity, component: spec.component })
    .annotations({ summary: spec.summary, description: spec.description })
    .build();
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

export function alertRulesFile() {
  return {
    apiVersion: 1,
    groups: [
      {
        orgId: 1,
        name: RULE_GROUP,
        folder: FOLDER_TITLE,
        interval: `${EVALUATION_INTERVAL_SECONDS}s`,
        rules: ALERT_RULES.map((spec) => toFileRule(buildRule(spec))),
      },
    ],
  };
}

// Addresses come from the environment when Grafana starts, never from this repository.
export function contactPointsFile() {
  const webhook = new ContactPointBuilder()
    .uid('footfall-webhook')
    .name(PAGE_CONTACT_POINT)
    .type('webhook')
    .settings({ url: '${FOOTFALL_ALERT_WEBHOOK_URL}', httpMethod: 'POST' })
    .build();
  const email = (uid: string, name: string) =>
    new ContactPointBuilder()
      .uid(uid)
      .name(name)
      .type('email')
      .settings({ addresses: '${FOOTFALL_ALERT_EMAIL}', singleEmail: true })
      .build();
  const receiver = ({ uid, type, settings, disableResolveMessage }: ReturnType<ContactPointBuilder['build']>) => ({
    uid,
    type,
    settings,
    disableResolveMessage: disableResolveMessage ?? false,
  });
  return {
    apiVersion: 1,
    contactPoints: [
      { orgId: 1, name: PAGE_CONTACT_POINT, receivers: [receiver(webhook), receiver(email('footfall-page-email', PAGE_CONTACT_POINT))] },
      { orgId: 1, name: EMAIL_CONTACT_POINT, receivers: [receiver(email('footfall-email', EMAIL_CONTACT_POINT))] },
    ],
  };
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
