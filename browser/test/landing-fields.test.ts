/**
 * What a page view says about how the visitor arrived, on the wire: campaign parameters of the
 * landing URL, the referrer of a page load (another site's, or this site's previous page on an
 * ordinary multi-page site), and the previous path on a History API page view. Real Chromium,
 * the script tag, a real beacon server for the wire; and the real ingest service for what it
 * stores of the landing query: the campaign columns, and nothing else of it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScriptTag } from '../scripts/bundles.js';
import { ATTR } from '../src/otel/attributes.js';
import { eventAttributes } from '../src/otel/event-span.js';
import { startBeaconSink, type BeaconSink } from './support/beacon-sink.js';
import { launchChromium } from './support/chromium.js';
import { freePort, type RunningIngest, startIngest, waitForStoredEvents } from './support/ingest.js';

let sink: BeaconSink;
let site: { url: string; server: Server };
let elsewhere: { url: string; server: Server };
let browser: Browser;
let ingest: RunningIngest;
let stored: { url: string; server: Server };

async function serve(pages: (url: string) => Record<string, string>, script = ''): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const path = new URL(request.url ?? '/', url).pathname;
    if (path === '/footfall.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      return response.end(script);
    }
    response.writeHead(pages(url)[path] ? 200 : 404, { 'content-type': 'text/html' });
    response.end(pages(url)[path] ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const LONG_CONTENT = 'c'.repeat(200);
const CAMPAIGN = `utm_source=newsletter&utm_medium=email&utm_campaign=spring%20launch&utm_term=3d+room&utm_content=${LONG_CONTENT}&utm_id=ignored`;
/** Query parameters no campaign column may hold: personal data a landing URL can carry. */
const PRIVATE = 'email=ada%40example.org&token=s3cr3t';

beforeAll(async () => {
  sink = await startBeaconSink();
  const script = (await buildScriptTag())['footfall.js'];
  const tag = `<script src="/footfall.js" data-site="portfolio" data-endpoint="${sink.endpoint}"></script>`;
  site = await serve(
    () => ({
      '/a.html': `<!doctype html><title>A</title>${tag}<a id="next" href="/b.html">B</a>`,
      '/b.html': `<!doctype html><title>B</title>${tag}<button id="route" onclick="history.pushState(null, '', '/c')">C</button>`,
    }),
    script,
  );
  elsewhere = await serve(() => ({
    '/': `<!doctype html><title>Elsewhere</title><a id="out" href="${site.url}/a.html?${CAMPAIGN}">Ada</a>`,
  }));
  const port = await freePort();
  stored = await serve(
    () => ({
      '/landing.html': `<!doctype html><title>Landing</title><script src="/footfall.js" data-site="portfolio" data-endpoint="http://127.0.0.1:${port}/v1/beacon"></script>`,
    }),
    script,
  );
  [ingest, browser] = await Promise.all([startIngest({ port, origins: [stored.url] }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await sink?.close();
  await ingest?.stop();
  for (const running of [site, elsewhere, stored]) await new Promise((resolve) => running?.server.close(resolve));
});

describe('page views say how the visitor arrived', () => {
  it('campaign and referrer on landing, this site as referrer on the next page, the previous path on a route change', async () => {
    const page = await browser.newPage();
    await page.goto(`${elsewhere.url}/`);
    await page.click('#out');
    await page.waitForURL(/\/a\.html/);
    await page.click('#next');
    await page.waitForURL(/\/b\.html/);
    await page.click('#route');
    await page.close();
    // The link to the next page is a followed link too: the core sends it, the service keeps it not.
    const events = await sink.waitForEvents(8);
    expect(events.map((event) => `${event.type} ${event.path}`)).toEqual([
      'page_view /a.html',
      'link_click /a.html',
      'time_spent /a.html',
      'page_view /b.html',
      'time_spent /b.html',
      'navigation /b.html',
      'page_view /c',
      'time_spent /c',
    ]);
    const views = events.filter((event) => event.type === 'page_view');
    expect(views.map((view) => view.path)).toEqual(['/a.html', '/b.html', '/c']);
    const [landing, next, routed] = views;
    // The query as the page has it: the ingest service takes the campaign from it (below).
    expect(landing).toMatchObject({ referrer: `${elsewhere.url}/`, search: `?${CAMPAIGN}` });
    expect(Object.keys(landing!).filter((key) => key.startsWith('utm_'))).toEqual([]);
    expect(landing).not.toHaveProperty('from');
    // The previous page of this site, whole: the ingest service sees its host is the site's own.
    expect(next!.referrer).toBe(`${site.url}/a.html?${CAMPAIGN}`);
    // A page load of its own: its query (none) as it is.
    expect(next!.search).toBe('');
    expect(Object.keys(next!).filter((key) => key.startsWith('utm_'))).toEqual([]);
    expect(routed).toMatchObject({ from: '/b.html' });
    expect(routed).not.toHaveProperty('referrer');
    expect(routed).not.toHaveProperty('search');
  });

  it("the ingest service stores the landing query's campaign parameters, cut to 128 characters, and nothing else of it", async () => {
    const page = await browser.newPage();
    await page.goto(`${stored.url}/landing.html?${CAMPAIGN}&${PRIVATE}`);
    const session = await page.evaluate(() => sessionStorage.getItem('footfall')!.split('.')[0]!);
    await page.waitForTimeout(300);
    await page.close();
    const events = (await waitForStoredEvents(ingest.url, session, 2)) as unknown as Record<string, unknown>[];
    expect(events.map((event) => event.type).sort()).toEqual(['page_view', 'time_spent']);
    const view = events.find((event) => event.type === 'page_view')!;
    expect(view).toMatchObject({
      path: '/landing.html',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'spring launch',
      utm_term: '3d room',
      utm_content: 'c'.repeat(128),
    });
    const columns = JSON.stringify(events);
    for (const leftOver of ['utm_id=', 'ignored', 'ada', 'example.org', 's3cr3t', 'token', LONG_CONTENT])
      expect(columns).not.toContain(leftOver);
  });
});

describe('the OpenTelemetry tier', () => {
  it("sends the landing query's campaign parameters as portfolio.utm.* span attributes, and nothing else of it", () => {
    const attributes = eventAttributes({
      id: 'event_0001',
      type: 'page_view',
      ts: 1,
      session: 's',
      path: '/',
      search: `?${CAMPAIGN}&${PRIVATE}`,
    });
    expect(Object.fromEntries(Object.entries(attributes).filter(([name]) => name.startsWith('portfolio.utm.')))).toEqual({
      [ATTR.utmSource]: 'newsletter',
      [ATTR.utmMedium]: 'email',
      [ATTR.utmCampaign]: 'spring launch',
      [ATTR.utmTerm]: '3d room',
      [ATTR.utmContent]: 'c'.repeat(128),
    });
    const values = JSON.stringify(attributes);
    for (const leftOver of ['ignored', 'ada', 's3cr3t', LONG_CONTENT]) expect(values).not.toContain(leftOver);
  });

  it('sends the campaign fields as portfolio.utm.* span attributes', () => {
    const attributes = eventAttributes({
      id: 'event_0001',
      type: 'page_view',
      ts: 1,
      session: 's',
      path: '/',
      utm_source: 'newsletter',
      utm_campaign: 'spring',
    });
    expect(attributes[ATTR.utmSource]).toBe('newsletter');
    expect(attributes['portfolio.utm.campaign']).toBe('spring');
    expect(Object.keys(attributes).filter((name) => name.startsWith('portfolio.utm.'))).toEqual([
      'portfolio.utm.source',
      'portfolio.utm.campaign',
    ]);
  });
});
