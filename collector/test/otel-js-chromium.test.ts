// A plain OpenTelemetry JS setup (sdk-trace-web's WebTracerProvider, the document-load and
// user-interaction instrumentations, the OTLP HTTP exporter with a batch every second, as
// docs/otel-existing.md advises) in real Chromium on a page of its own, with no `portfolio.*`
// attribute, sending straight to the ingest service and through the real Collector. Its telemetry
// becomes page views (with the campaign of the URL's utm_* when sent straight in: the Collector
// cuts the query before the service reads it) and clicks in /api/stats and /api/hotspots. Through
// the Collector the site is found from the page's Origin header, which resource/origin copies into
// `portfolio.origin`; the documented resource attribute `portfolio.site` works there too. No query
// string, input value or e-mail address of the page is stored or answered.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Catalog } from '@footfall/contract';
import { freePort, freePorts, ingestMetric, NativeStack, repoRoot, waitUntil } from '@footfall/stack';
import { build } from 'esbuild';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, visitorUserAgent } from '../../browser/test/support/chromium.js';
import { createClickHouse } from '../../ingest/src/clickhouse/client.js';
import type { OtelJsPageConfig } from './support/otel-js-page.js';

const PAGE_ENTRY = fileURLToPath(new URL('./support/otel-js-page.ts', import.meta.url));
const TOKEN = 'otel-js-owner-token';
const SITE = 'portfolio';
const QUERY = '?utm_source=newsletter&utm_campaign=spring&q=private-query';
/** What the visitor types into the page's input: never to be stored. */
const TYPED = 'typed-secret-value';

/** Each visit: its page's path (which names how it sends), where it exports, and its browser. */
const VISITS: Array<{ path: string; via: 'ingest' | 'collector'; site?: string; claimedOrigin?: string; userAgent: string }> = [
  { path: '/direct/landing', via: 'ingest', userAgent: visitorUserAgent },
  { path: '/collector/landing', via: 'collector', userAgent: visitorUserAgent.replace('Chrome/140', 'Chrome/141') },
  {
    path: '/collector-site/landing',
    via: 'collector',
    site: SITE,
    // The page's Origin header, which its script cannot set, wins over what its resource claims.
    claimedOrigin: 'https://elsewhere.invalid',
    userAgent: visitorUserAgent.replace('Chrome/140', 'Chrome/142'),
  },
];

/** The clicks of every visit, on elements with a click listener, and what each must be stored as. */
const CLICKS = [
  { target: '#buy', times: 2, selector: '//*[@id="buy"]', tag: 'button' },
  { target: 'button.write', times: 1, selector: '//*[@id="[email]"]', tag: 'button' },
  { target: '#q', times: 1, selector: '//*[@id="q"]', tag: 'input' },
];
const CLICKS_PER_VISIT = CLICKS.reduce((sum, click) => sum + click.times, 0);

const scratch = mkdtempSync(join(tmpdir(), 'footfall-otel-js-'));
let stack: NativeStack | undefined;
let page: Server | undefined;
let browser: Browser | undefined;
let pageOrigin: string;

const html = (config: OtelJsPageConfig) => `<!doctype html><title>A site with OpenTelemetry</title>
  <script>globalThis.otelJsPage = ${JSON.stringify(config)};</script>
  <script src="/otel-js.js"></script>
  <button id="buy">Buy</button>
  <button class="write" id="write-me@example.com">Write to me@example.com</button>
  <input id="q" name="email" value="visitor@example.com">`;

beforeAll(async () => {
  const ports = await freePorts();
  const pagePort = await freePort();
  pageOrigin = `http://127.0.0.1:${pagePort}`;
  // The default catalog, taking clicks on any element, with the test page as its first site's origin.
  const catalog = JSON.parse(readFileSync(join(repoRoot, 'ingest/catalog.json'), 'utf8')) as Catalog;
  catalog.sites[0]!.origins = [pageOrigin];
  if (!catalog.eventTypes.includes('ui_click')) catalog.eventTypes.push('ui_click');
  const catalogFile = join(scratch, 'catalog.json');
  writeFileSync(catalogFile, JSON.stringify(catalog));

  stack = new NativeStack({
    baseDir: join(scratch, 'stack'),
    ports,
    corsOrigins: [pageOrigin],
    ingestEnv: {
      CATALOG_FILE: catalogFile,
      STATS_TOKEN: TOKEN,
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_OTLP_PER_MINUTE: '0',
      BATCH_INTERVAL_MS: '200',
    },
    collectorEnv: { COLLECTOR_BATCH_TIMEOUT: '200ms' },
  });

  const bundle = await build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  const script = bundle.outputFiles[0]!.contents;
  page = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const visit = VISITS.find((v) => v.path === path);
    if (path === '/otel-js.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (!visit) response.writeHead(404).end();
    else {
      const base = visit.via === 'ingest' ? stack!.urls.ingest : stack!.urls.collectorOtlpHttp;
      const config: OtelJsPageConfig = {
        tracesUrl: `${base}/v1/traces`,
        ...(visit.site ? { site: visit.site } : {}),
        ...(visit.claimedOrigin ? { claimedOrigin: visit.claimedOrigin } : {}),
      };
      response.writeHead(200, { 'content-type': 'text/html' }).end(html(config));
    }
  });
  await new Promise<void>((resolve) => page!.listen(pagePort, '127.0.0.1', resolve));
  await stack.startAll();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stopAll();
  await new Promise((resolve) => page?.close(resolve));
  if (!process.env.FOOTFALL_KEEP_TEST_DATA) rmSync(scratch, { recursive: true, force: true });
});

async function api<T>(route: string): Promise<T> {
  const response = await fetch(`${stack!.urls.ingest}${route}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

interface Stats {
  page_views: number;
  top_pages: Array<{ path: string; views: number }>;
  campaigns: Array<{ source: string; medium: string; campaign: string; visitors: number }>;
}
interface Hotspots {
  total_clicks: number;
  elements: Array<{ path: string; selector: string; tag: string; clicks: number }>;
}

describe('a plain OpenTelemetry JS setup in Chromium, straight in and through the Collector', () => {
  it('gives page views, a campaign straight in, and clicks on the hotspots of each page', async () => {
    // Each context is closed once its sends arrived: closing it as it is left drops those under way.
    const contexts: BrowserContext[] = [];
    for (const visit of VISITS) {
      const context = await browser!.newContext({ userAgent: visit.userAgent });
      contexts.push(context);
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      await tab.goto(`${pageOrigin}${visit.path}${QUERY}`, { waitUntil: 'load' });
      await tab.fill('#q', TYPED);
      for (const click of CLICKS) for (let i = 0; i < click.times; i++) await tab.click(click.target);
      // The batch goes out within a second; leaving the page flushes whatever is left.
      await tab.waitForTimeout(1500);
      await tab.goto('about:blank');
      expect(errors, visit.path).toEqual([]);
    }

    await waitUntil(
      'every visit to reach the figures',
      async () => {
        const stats = await api<Stats>(`/api/stats?site=${SITE}&range=24h`);
        const hotspots = await api<Hotspots>(`/api/hotspots?site=${SITE}&range=24h`);
        return stats.page_views >= VISITS.length && hotspots.total_clicks >= VISITS.length * CLICKS_PER_VISIT;
      },
      { intervalMs: 250, timeoutMs: 60_000 },
    );
    await Promise.all(contexts.map((context) => context.close()));

    const stats = await api<Stats>(`/api/stats?site=${SITE}&range=24h`);
    expect(stats.page_views).toBe(VISITS.length);
    expect(stats.top_pages.map(({ path, views }) => ({ path, views })).sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual(
      VISITS.map(({ path }) => ({ path, views: 1 })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
    // The campaign is read from url.full's query straight in; the Collector cuts the query first.
    expect(stats.campaigns.map(({ source, medium, campaign, visitors }) => ({ source, medium, campaign, visitors }))).toEqual([
      { source: 'newsletter', medium: '', campaign: 'spring', visitors: 1 },
    ]);
    const direct = await api<Stats>(`/api/stats?site=${SITE}&range=24h&page=/direct/landing`);
    expect(direct.campaigns.map((c) => c.source)).toEqual(['newsletter']);

    for (const visit of VISITS) {
      const hotspots = await api<Hotspots>(`/api/hotspots?site=${SITE}&range=24h&path=${visit.path}`);
      expect(hotspots.total_clicks, visit.path).toBe(CLICKS_PER_VISIT);
      expect(
        hotspots.elements
          .map(({ selector, tag, clicks }) => ({ selector, tag, clicks }))
          .sort((a, b) => b.clicks - a.clicks || (a.selector < b.selector ? -1 : 1)),
        visit.path,
      ).toEqual(
        CLICKS.map(({ selector, tag, times }) => ({ selector, tag, clicks: times })).sort(
          (a, b) => b.clicks - a.clicks || (a.selector < b.selector ? -1 : 1),
        ),
      );
      for (const answer of [hotspots, await api<Stats>(`/api/stats?site=${SITE}&range=24h&page=${visit.path}`)]) {
        const text = JSON.stringify(answer);
        for (const secret of ['example.com', 'private-query', TYPED]) expect(text, `${visit.path}: ${secret}`).not.toContain(secret);
      }
    }
    expect(await ingestMetric(stack!.urls.ingest, 'footfall_events_refused_total', {})).toBe(0);
  });

  it('stored no query, input value or e-mail address, and the Collector named the page origin', async () => {
    await stack!.stopAll();
    const client = await createClickHouse({ url: undefined, dataDir: join(scratch, 'stack', 'ingest') });
    try {
      const rows = async <T>(query: string) => (await client.query({ query, format: 'JSONEachRow' })).json<T>();
      // Every column of every stored event and span, as text.
      for (const table of ['events', 'otel_traces']) {
        const [stored] = await rows<{ n: string; leaks: string[] }>(
          `SELECT count() AS n, groupArrayIf(line, position(line, 'example.com') > 0 OR position(line, 'private-query') > 0 OR position(line, '${TYPED}') > 0) AS leaks
           FROM (SELECT toJSONString(tuple(*)) AS line FROM ${table})`,
        );
        expect(Number(stored!.n), table).toBeGreaterThan(0);
        expect(stored!.leaks, table).toEqual([]);
      }
      // Every stored resource carries the page's origin: the Collector's (no portfolio.site was set
      // on /collector/landing) and the service's straight in; the events are the site found from it.
      const loads = await rows<{ path: string; origin: string; site: string }>(
        `SELECT path(SpanAttributes['url.full']) AS path, ResourceAttributes['portfolio.origin'] AS origin, ResourceAttributes['portfolio.site'] AS site
         FROM otel_traces WHERE SpanName = 'documentLoad' ORDER BY path`,
      );
      expect(loads).toEqual([
        { path: '/collector-site/landing', origin: pageOrigin, site: SITE },
        { path: '/collector/landing', origin: pageOrigin, site: '' },
        { path: '/direct/landing', origin: pageOrigin, site: '' },
      ]);
      const sites = await rows<{ path: string; site: string; n: string }>(
        `SELECT path, site, count() AS n FROM events GROUP BY path, site ORDER BY path`,
      );
      expect(sites.map(({ path, site, n }) => ({ path, site, n: Number(n) }))).toEqual(
        VISITS.map(({ path }) => ({ path, site: SITE, n: 1 + CLICKS_PER_VISIT })).sort((a, b) => (a.path < b.path ? -1 : 1)),
      );
    } finally {
      await client.close();
    }
  });
});
