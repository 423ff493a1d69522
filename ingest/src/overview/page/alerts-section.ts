// The page's alerts section: the traffic alerts the service raised itself (/api/alerts), those
// firing first, then the week's resolved ones, each linking to the page on the anomaly's days.
// Hidden when there is none, and for a shared link's read-only key, which may not read alerts.
import { el, fill } from './dom.js';

interface AlertItem {
  rule: string;
  title: string;
  site: string;
  status: 'firing' | 'resolved';
  startedAt: string;
  resolvedAt: string | null;
  observedPerMinute: number;
  expectedPerMinute: number;
  link: string;
}

const when = (iso: string): string => new Date(iso).toISOString().slice(0, 16).replace('T', ' ');
const perMinute = (value: number): string => value.toFixed(value < 10 ? 1 : 0);

function row(alert: AlertItem): HTMLElement {
  const span =
    alert.resolvedAt === null ? `since ${when(alert.startedAt)} UTC` : `${when(alert.startedAt)} to ${when(alert.resolvedAt)} UTC`;
  const link = el('a', '', [alert.title]);
  link.href = alert.link;
  const item = el('li', `alert ${alert.status}`, [
    el('span', 'alert-state', [alert.status === 'firing' ? 'Firing' : 'Resolved']),
    link,
    el('span', 'alert-when', [span]),
    el('span', 'alert-figures', [`${perMinute(alert.observedPerMinute)} events/min, expected about ${perMinute(alert.expectedPerMinute)}`]),
  ]);
  item.dataset.rule = alert.rule;
  return item;
}

/** Fills `section` with the site's alerts; `token` is the page's bearer token, if any. */
export async function showAlerts(section: HTMLElement, token: string | null, site: string): Promise<void> {
  const response = await fetch(`/api/alerts?${new URLSearchParams({ site })}`, {
    headers: token ? { accept: 'application/json', authorization: `Bearer ${token}` } : { accept: 'application/json' },
  });
  if (!response.ok) {
    section.hidden = true;
    return;
  }
  const { firing, recent } = (await response.json()) as { firing: AlertItem[]; recent: AlertItem[] };
  section.hidden = firing.length + recent.length === 0;
  fill(section, [
    el('h2', '', [firing.length > 0 ? `Alerts: ${firing.length} firing` : 'Alerts of the last 7 days']),
    el('ul', 'alerts-list', [...firing, ...recent].map(row)),
  ]);
}
