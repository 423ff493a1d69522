// The interop matrix from the browser: the OpenTelemetry JS exporters' browser builds, bundled into
// a page on a site origin in real Chromium, send traces, metrics and logs over OTLP/HTTP (JSON and
// protobuf) straight to the ingest service and through the Collector (CORS both ways). Every item
// is stored exactly once though every request is sent twice, and none is refused.
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Catalog } from '@footfall/contract';
import { freePort, freePorts, ingestMetric, NativeStack, repoRoot, waitUntil } from '@footfall/stack';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, visitorUserAgent } from '../../browser/test/support/chromium.js';
import { createClickHouse } from '../../ingest/src/clickhouse/client.js';
import { caseCounts, CLICKS_PER_CASE, STORED_PER_CASE } from '../../ingest/test/support/interop-telemetry.js';
import type { BrowserCase } from './support/browser-interop-page.js';

const PAGE_ENTRY = fileURLToPath(new URL('./support/browser-interop-page.ts', import.meta.url));

const scratch = mkdtempSync(join(tmpdir(), 'footfall-browser-interop-'));
let stack: NativeStack | undefined;
let page: Server | undefined;
let browser: Browser | undefined;
let pageOrigin: string;

/** Each case: where it sends, in which encoding, and the object its counter clicks. */
const CASES: Array<{ name: string; via: 'ingest' | 'collector'; encoding: BrowserCase['encoding']; object: string }> = [
  { name: 'direct-json', via: 'ingest', encoding: 'json', object: 'guitar' },
  { name: 'direct-protobuf', via: 'ingest', encoding: 'protobuf', object: 'bookshelf' },
  { name: 'collector-json', via: 'collector', encoding: 'json', object: 'laptop' },
  { name: 'collector-protobuf', via: 'collector', encoding: 'protobuf', object: 'camera' },
];

beforeAll(async () => {
  const ports = await freePorts();
  const pagePort = await freePort();
  pageOrigin = `http://127.0.0.1:${pagePort}`;
  // The default catalog with the test page as the site's only origin, so the ingest service's
  // CORS and origin check let the page send straight in.
  const catalog = JSON.parse(readFileSync(join(repoRoot, 'ingest/catalog.json'), 'utf8')) as Catalog;
  catalog.sites[0]!.origins = [pageOrigin];
  const catalogFile = join(scratch, 'catalog.json');
  writeFileSync(catalogFile, JSON.stringify(catalog));

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
    if (request.url === '/interop.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>interop</title><script src="/interop.js"></script>');
  });
  await new Promise<void>((resolve) => page!.listen(pagePort, '127.0.0.1', resolve));

  stack = new NativeStack({
    baseDir: join(scratch, 'stack'),
    ports,
    corsOrigins: [pageOrigin],
    ingestEnv: { CATALOG_FILE: catalogFile, RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_OTLP_PER_MINUTE: '0', BATCH_INTERVAL_MS: '200' },
    collectorEnv: { COLLECTOR_BATCH_TIMEOUT: '200ms' },
  });
  await stack.startAll();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stopAll();
  await new Promise((resolve) => page?.close(resolve));
  if (!process.env.FOOTFALL_KEEP_TEST_DATA) rmSync(scratch, { recursive: true, force: true });
});

describe('OpenTelemetry JS exporters in Chromium, straight in and through the Collector', () => {
  it('sends every case from a page, each request twice, and none is refused', async () => {
    const tab = await browser!.newPage();
    await tab.goto(pageOrigin);
    const urls = stack!.urls;
    for (const { name, via, encoding, object } of CASES) {
      const browserCase: BrowserCase = {
        marker: `browser-${name}`,
        base: via === 'ingest' ? urls.ingest : urls.collectorOtlpHttp,
        encoding,
        visit: { userAgent: visitorUserAgent, clickedObject: object },
      };
      const result = await tab.evaluate(
        (arg) => (globalThis as unknown as { runCase: (c: BrowserCase) => Promise<string> }).runCase(arg),
        browserCase,
      );
      expect(result, name).toBe('sent');
    }
    await waitUntil(
      'every case to reach the ingest service',
      async () => {
        for (const { object } of CASES) {
          if ((await ingestMetric(urls.ingest, 'footfall_browser_events_total', { object })) < CLICKS_PER_CASE) return false;
        }
        return (
          (await ingestMetric(urls.ingest, 'footfall_events_accepted_total', { source: 'otlp' })) >= CASES.length * STORED_PER_CASE.events
        );
      },
      { intervalMs: 250, timeoutMs: 60_000 },
    );
    for (const { object } of CASES) {
      expect(await ingestMetric(urls.ingest, 'footfall_browser_events_total', { object }), object).toBe(CLICKS_PER_CASE);
    }
    expect(await ingestMetric(urls.ingest, 'footfall_events_accepted_total', { source: 'otlp' })).toBe(
      CASES.length * STORED_PER_CASE.events,
    );
    expect(await ingestMetric(urls.ingest, 'footfall_events_refused_total', {})).toBe(0);
  });

  it('stored each item exactly once', async () => {
    await stack!.stopAll();
    const client = await createClickHouse({ url: undefined, dataDir: join(scratch, 'stack', 'ingest') });
    try {
      for (const { name } of CASES) {
        const counts = caseCounts(`browser-${name}`);
        for (const table of Object.keys(STORED_PER_CASE) as Array<keyof typeof STORED_PER_CASE>) {
          const [row] = await (await client.query({ query: counts[table], format: 'JSONEachRow' })).json<{ n: string }>();
          expect(Number(row!.n), `${name} ${table}`).toBe(STORED_PER_CASE[table]);
        }
      }
    } finally {
      await client.close();
    }
  });
});
