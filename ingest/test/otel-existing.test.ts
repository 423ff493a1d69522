// A site's ordinary OpenTelemetry, without `portfolio.*` attributes, counts: the document-load
// span is a page view with its campaign and a path from `url.full`, a user-interaction click span
// and the browser instrumentation's click event are clicks with their selector, a navigation
// event a page view; the site is found from the page's origin (the Origin header, or the
// `portfolio.origin` the Collector keeps), and an item with no site is refused by name. Spans of
// no figure are counted; a preflight from an unlisted origin is refused by name.
// The spans are built by hand in the instrumentations' shapes (their current attribute names:
// document-load 0.69 and user-interaction 0.67 send `url.full` and `user_agent.original`); the
// browser instrumentation's events are emitted by the real logs SDK with its documented names.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsBody, makeLogRecords } from './support/otel-logs.js';
import { BROWSER_UA, freshDataDir, queryRows, SITE_ORIGIN, testApp } from './support/test-app.js';

const BOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
let app: FastifyInstance;
let catalogFile: string;

beforeAll(async () => {
  const dataDir = freshDataDir();
  // The default catalog, taking clicks on any element (it lists them now; a catalog listing a type twice is refused).
  const catalog = JSON.parse(readFileSync(new URL('../catalog.json', import.meta.url), 'utf8')) as { eventTypes: string[] };
  if (!catalog.eventTypes.includes('ui_click')) catalog.eventTypes.push('ui_click');
  catalogFile = join(dataDir, 'catalog.json');
  writeFileSync(catalogFile, JSON.stringify(catalog));
  app = await testApp({ dataDir, catalogFile });
});

afterAll(async () => {
  await app?.close();
});

type Value = string | number;
const attributes = (map: Record<string, Value>) =>
  Object.entries(map).map(([key, value]) => ({ key, value: typeof value === 'number' ? { doubleValue: value } : { stringValue: value } }));

/** One span in OTLP/JSON, as the instrumentation makes it. */
function span(name: string, spanAttributes: Record<string, Value>) {
  const start = BigInt(Date.now()) * 1_000_000n;
  return {
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    name,
    kind: 1,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 5_000_000n).toString(),
    attributes: attributes(spanAttributes),
  };
}

function traces(spans: unknown[], resource: Record<string, Value> = { 'service.name': 'my-web-app' }) {
  return { resourceSpans: [{ resource: { attributes: attributes(resource) }, scopeSpans: [{ scope: { name: 'test' }, spans }] }] };
}

async function postTraces(body: unknown, headers: Record<string, string> = {}) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/traces',
    headers: { 'content-type': 'application/json', ...headers },
    payload: body as object,
  });
  expect(response.statusCode).toBe(200);
  return response.json() as { partialSuccess?: { rejectedSpans?: number; errorMessage?: string } };
}

interface EventRow {
  site: string;
  type: string;
  path: string;
  session_id: string;
  utm_source: string;
  utm_campaign: string;
  props: Record<string, string>;
  device: string;
}

const eventsOfTrace = (traceId: string) =>
  queryRows<EventRow>(
    app,
    `SELECT site, type, path, session_id, utm_source, utm_campaign, props, device FROM events WHERE event_id IN
      (SELECT SpanId FROM otel_traces WHERE TraceId = '${traceId}')`,
  );

describe('standard OpenTelemetry JS spans', () => {
  it("makes a document load a page view of the origin's site, with its campaign, path and a session", async () => {
    const load = span('documentLoad', {
      'url.full': 'http://localhost:5173/work/?utm_source=newsletter&utm_campaign=spring&email=someone@example.com#top',
      'user_agent.original': BROWSER_UA,
    });
    expect(await postTraces(traces([load]), { origin: SITE_ORIGIN })).toEqual({});
    const [event] = await eventsOfTrace(load.traceId);
    expect(event).toMatchObject({
      site: 'portfolio',
      type: 'page_view',
      path: '/work/',
      utm_source: 'newsletter',
      utm_campaign: 'spring',
      device: 'desktop',
    });
    // No session.id sent: one made from the day's salt, site, address and agent.
    expect(event!.session_id).toMatch(/^[0-9a-f]{16}$/);
    const [stored] = await queryRows<{ url: string }>(
      app,
      `SELECT SpanAttributes['url.full'] AS url FROM otel_traces WHERE TraceId = '${load.traceId}'`,
    );
    expect(stored!.url).toBe('http://localhost:5173/work/');
  });

  it("keeps web-common's session.id, and the older http.url and http.user_agent names", async () => {
    const load = span('documentLoad', {
      'http.url': 'http://localhost:5173/old',
      'http.user_agent': BROWSER_UA,
      'session.id': 'web-common-session-1',
    });
    await postTraces(traces([load]), { origin: SITE_ORIGIN });
    expect(await eventsOfTrace(load.traceId)).toMatchObject([
      { type: 'page_view', path: '/old', session_id: 'web-common-session-1', device: 'desktop' },
    ]);
  });

  it('makes a user-interaction click a ui_click with its selector, never an e-mail address in it', async () => {
    const click = span('click', {
      event_type: 'click',
      target_element: 'A',
      target_xpath: '//*[@id="mail-someone@example.com"]/a',
      'url.full': 'http://localhost:5173/contact',
      'user_agent.original': BROWSER_UA,
    });
    await postTraces(traces([click]), { origin: SITE_ORIGIN });
    expect(await eventsOfTrace(click.traceId)).toMatchObject([
      { type: 'ui_click', path: '/contact', props: { selector: '//*[@id="[email]"]/a', tag: 'a' } },
    ]);
  });

  it('finds the site from the origin the Collector keeps, and lets portfolio.* attributes win', async () => {
    const load = span('documentLoad', { 'url.full': 'http://localhost:5173/', 'portfolio.props.theme': 'dark' });
    await postTraces(traces([load], { 'service.name': 'my-web-app', 'portfolio.origin': SITE_ORIGIN }));
    expect(await eventsOfTrace(load.traceId)).toMatchObject([{ site: 'portfolio', type: 'page_view', props: { theme: 'dark' } }]);
  });

  it("reads no page view from the documentLoad span of Footfall's own tier: its event spans count, once", async () => {
    const load = span('documentLoad', { 'url.full': 'http://localhost:5173/', 'user_agent.original': BROWSER_UA });
    await postTraces(traces([load], { 'service.name': 'footfall-web', 'portfolio.site': 'portfolio', 'portfolio.tracker': 'footfall' }), {
      origin: SITE_ORIGIN,
    });
    expect(await eventsOfTrace(load.traceId)).toEqual([]);
  });

  it('refuses a page view no site can be found for, by name, instead of storing it under the first site', async () => {
    const load = span('documentLoad', { 'url.full': 'https://unknown.example/', 'user_agent.original': BROWSER_UA });
    const answer = await postTraces(traces([load]));
    expect(answer.partialSuccess?.rejectedSpans).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toMatch(/^spans refused: 1 no_site \(.*send the resource attribute `portfolio\.site`.*\)$/);
    expect(await eventsOfTrace(load.traceId)).toEqual([]);
  });

  it('counts spans that carry nothing analytic', async () => {
    const before = await notAnalytic('traces');
    await postTraces(traces([span('GET /api/items', { 'http.request.method': 'GET' }), span('fetch', {})]));
    expect(await notAnalytic('traces')).toBe(before + 2);
  });

  it("shows a bot refused over OTLP on the owner's refused list", async () => {
    await postTraces(traces([span('documentLoad', { 'url.full': 'http://localhost:5173/', 'user_agent.original': BOT_UA })]), {
      origin: SITE_ORIGIN,
    });
    await app.refusedValues.flush();
    const rows = await queryRows<{ site: string; value: string }>(app, `SELECT site, value FROM refused_values FINAL WHERE reason = 'bot'`);
    // The agent as the list shows values: cut to 64 characters.
    expect(rows).toContainEqual({ site: 'portfolio', value: `${BOT_UA.slice(0, 63)}…` });
  });
});

describe("the OpenTelemetry browser instrumentation's events", () => {
  it('makes browser.navigation a page view and browser.user_action.click a ui_click with its place', async () => {
    const records = makeLogRecords(
      [
        {
          eventName: 'browser.navigation',
          attributes: { 'url.full': 'http://localhost:5173/shop?utm_source=ads&q=secret', 'user_agent.original': BROWSER_UA },
        },
        {
          eventName: 'browser.user_action.click',
          attributes: {
            'browser.css_selector': 'main > button.buy',
            'browser.tag_name': 'BUTTON',
            'browser.page.x': 120.4,
            'browser.page.y': 640.6,
            'url.full': 'http://localhost:5173/shop',
            'user_agent.original': BROWSER_UA,
          },
        },
        { eventName: 'browser.web_vital', attributes: { 'browser.web_vital.name': 'LCP', 'browser.web_vital.value': 1234 } },
      ],
      { 'service.name': 'browser-instrumented-app', 'session.id': 'browser-session-7' },
    );
    const before = await notAnalytic('logs');
    const response = await app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: { 'content-type': 'application/json', origin: SITE_ORIGIN },
      payload: logsBody(records, 'json'),
    });
    expect(response.json()).toEqual({});
    const rows = await queryRows<EventRow>(
      app,
      `SELECT site, type, path, session_id, utm_source, props FROM events WHERE session_id = 'browser-session-7' ORDER BY type`,
    );
    expect(rows).toMatchObject([
      { site: 'portfolio', type: 'page_view', path: '/shop', utm_source: 'ads' },
      {
        site: 'portfolio',
        type: 'ui_click',
        path: '/shop',
        props: { selector: 'main > button.buy', tag: 'button', page_x: '120', page_y: '641' },
      },
    ]);
    // The web vital stays a log line (otel_logs), counted as of no figure.
    expect(await notAnalytic('logs')).toBe(before + 1);
  });
});

describe('CORS preflight', () => {
  it('refuses an origin no site lists by name, and lets a listed one through', async () => {
    const refused = await app.inject({
      method: 'OPTIONS',
      url: '/v1/traces',
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'FOOTFALL_ORIGIN_NOT_LISTED' });
    expect(refused.json().message).toContain('https://elsewhere.example');
    expect(refused.json().message).toContain(catalogFile);
    const allowed = await app.inject({
      method: 'OPTIONS',
      url: '/v1/logs',
      headers: { origin: SITE_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(SITE_ORIGIN);
  });
});

async function notAnalytic(signal: string): Promise<number> {
  const text = (await app.inject('/metrics')).body;
  const line = text.split('\n').find((entry) => entry.startsWith(`footfall_otlp_items_not_analytic_total{signal="${signal}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}
