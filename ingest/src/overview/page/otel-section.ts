// The page's OpenTelemetry section: the 75th percentile of each web vital per page
// (/api/web-vitals), and a line when the site's spans arrive but none of them counts
// (/api/otlp-received): its telemetry is read by no figure, and docs/otel-existing.md says why.
// Hidden when there is neither, or when they cannot be read.
import { el, fill } from './dom.js';

const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;

interface WebVitalsAnswer {
  pages: Array<{ path: string; name: (typeof VITALS)[number]; p75: number; samples: number }>;
}

interface OtlpReceivedAnswer {
  spans: number;
  analytic_events: number;
}

const headers = (token: string | null): Record<string, string> =>
  token ? { accept: 'application/json', authorization: `Bearer ${token}` } : { accept: 'application/json' };

/** CLS has no unit (a score, two decimals); the others are milliseconds. */
const vitalText = (name: string, value: number | undefined): string =>
  value === undefined ? '–' : name === 'CLS' ? value.toFixed(2) : `${Math.round(value).toLocaleString('en')} ms`;

export async function showOtel(section: HTMLElement, token: string | null, site: string, period: Record<string, string>): Promise<void> {
  const query = new URLSearchParams({ site, ...period });
  const [vitalsResponse, receivedResponse] = await Promise.all([
    fetch(`/api/web-vitals?${query}`, { headers: headers(token) }),
    fetch(`/api/otlp-received?${query}`, { headers: headers(token) }),
  ]);
  const vitals = vitalsResponse.ok ? ((await vitalsResponse.json()) as WebVitalsAnswer) : { pages: [] };
  const received = receivedResponse.ok ? ((await receivedResponse.json()) as OtlpReceivedAnswer) : { spans: 0, analytic_events: 0 };
  const silent = received.spans > 0 && received.analytic_events === 0;
  const pages = [...new Set(vitals.pages.map((row) => row.path))];
  section.hidden = !silent && pages.length === 0;
  if (section.hidden) return;
  const p75 = (path: string, name: string) => vitals.pages.find((row) => row.path === path && row.name === name)?.p75;
  fill(section, [
    el('h2', '', ['OpenTelemetry']),
    silent &&
      el('p', 'otel-silence', [
        `${received.spans.toLocaleString('en')} spans received, none analytic: see `,
        el('code', '', ['docs/otel-existing.md']),
      ]),
    pages.length > 0 && el('p', 'note', ['Web vitals, 75th percentile per page']),
    pages.length > 0 &&
      el('table', 'web-vitals', [
        el('thead', '', [el('tr', '', [el('th', '', ['Page']), ...VITALS.map((name) => el('th', '', [name]))])]),
        el(
          'tbody',
          '',
          pages.map((path) =>
            el('tr', '', [el('td', '', [path]), ...VITALS.map((name) => el('td', '', [vitalText(name, p75(path, name))]))]),
          ),
        ),
      ]),
  ]);
}
