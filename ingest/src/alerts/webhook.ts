// Posts the service's traffic alerts to the webhook Grafana's contact point uses
// (FOOTFALL_ALERT_WEBHOOK_URL), in the shape of Grafana's webhook message (status, alerts with
// labels, annotations, startsAt/endsAt, title, message), so one receiver reads both. A few tries
// with growing pauses, each bounded in time; the caller does not wait on it, so a failing webhook
// never holds up ingest or the next evaluation.
import type { StoredAlert } from './alert-store.js';
import { TRAFFIC_RULES } from './traffic-evaluator.js';

export interface WebhookOptions {
  url: string;
  /** Tries per message, the first included. */
  attempts?: number;
  /** Pause before the second try; doubled before each later one. */
  firstPauseMs?: number;
  /** Longest wait for one answer. */
  timeoutMs?: number;
  /** The overview page's address, for the links; relative when unknown. */
  pageUrl?: string;
  /** Run before each try: throws to stop posting (the lease's fence, src/lease/). */
  fence?: () => Promise<void>;
}

/** Grafana sends this for an alert that has not ended. */
const NO_END = '0001-01-01T00:00:00Z';
const MINUTE = 60_000;

/** The overview page (served at /) on the anomaly's days (UTC dates) for its site: `range=custom` with `from` and `to` dates. */
export function anomalyLink(alert: StoredAlert, pageUrl = '/'): string {
  const rule = TRAFFIC_RULES.find((candidate) => candidate.id === alert.rule)!;
  const from = new Date(alert.startedAt - (rule.windowMinutes + rule.forMinutes) * MINUTE).toISOString().slice(0, 10);
  const to = new Date(alert.resolvedAt ?? alert.startedAt).toISOString().slice(0, 10);
  return `${pageUrl}?${new URLSearchParams({ site: alert.site, range: 'custom', from, to })}`;
}

/** The message for one alert firing or resolved. */
export function webhookMessage(alert: StoredAlert, pageUrl?: string) {
  const rule = TRAFFIC_RULES.find((candidate) => candidate.id === alert.rule)!;
  const status = alert.resolvedAt === undefined ? 'firing' : 'resolved';
  const summary = `${rule.title} on ${alert.site}`;
  const description = `${alert.site}: ${alert.observed.toFixed(1)} events/min, expected about ${alert.expected.toFixed(1)} for this time of day and week.`;
  const link = anomalyLink(alert, pageUrl);
  return {
    receiver: 'footfall-ingest',
    status,
    state: status === 'firing' ? 'alerting' : 'ok',
    title: `[${status.toUpperCase()}] ${summary}`,
    message: `${status === 'firing' ? description : `Resolved: ${summary}.`}\n${link}`,
    alerts: [
      {
        status,
        labels: { alertname: rule.title, rule_uid: rule.id, site: alert.site, severity: 'page', component: 'traffic', source: 'ingest' },
        annotations: { summary, description },
        startsAt: new Date(alert.startedAt).toISOString(),
        endsAt: alert.resolvedAt === undefined ? NO_END : new Date(alert.resolvedAt).toISOString(),
        generatorURL: link,
        fingerprint: `${rule.id}/${alert.site}/${alert.startedAt}`,
      },
    ],
  };
}

/** Posts one message; true once the webhook answered 2xx, false after the last try failed. */
export async function postAlert(alert: StoredAlert, options: WebhookOptions): Promise<boolean> {
  const attempts = options.attempts ?? 4;
  let pause = options.firstPauseMs ?? 1000;
  const body = JSON.stringify(webhookMessage(alert, options.pageUrl));
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await options.fence?.();
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.body?.cancel();
      if (response.ok) return true;
    } catch {
      // Unreachable, refused or too slow: tried again below.
    }
    if (attempt < attempts) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause *= 2;
    }
  }
  return false;
}
