// The overview page's OpenTelemetry section in Chromium: spans of a site's page that no figure
// reads (sent straight in from a listed origin, no `portfolio.*` attribute) give the line
// "3 spans received, none analytic: see docs/otel-existing.md"; once a document-load span counts as
// a page view the line is gone. Web vitals sent as the browser instrumentation's records are shown
// as the 75th percentile per page (quantileExact's definition: index floor(0.75 n) of the sorted values).
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../browser/test/support/chromium.js';
import { logsBody, makeLogRecords } from './support/otel-logs.js';
import { BROWSER_UA, SITE_ORIGIN, testApp } from './support/test-app.js';

let app: FastifyInstance;
let browser: Browser;
let service: string;

beforeAll(async () => {
  app = await testApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  service = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const attributes = (map: Record<string, string>) => Object.entries(map).map(([key, value]) => ({ key, value: { stringValue: value } }));

function span(name: string, spanAttributes: Record<string, string>) {
  const start = BigInt(Date.now()) * 1_000_000n;
  return {
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    name,
    kind: 3,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 5_000_000n).toString(),
    attributes: attributes(spanAttributes),
  };
}

async function postSpans(spans: unknown[]) {
  const body = {
    resourceSpans: [
      { resource: { attributes: attributes({ 'service.name': 'my-web-app' }) }, scopeSpans: [{ scope: { name: 'test' }, spans }] },
    ],
  };
  const response = await app.inject({ method: 'POST', url: '/v1/traces', headers: { origin: SITE_ORIGIN }, payload: body });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json()).toEqual({});
}

/** The section as the owner reads it: its line, and the web vitals table's rows. */
async function readSection() {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${service}/?range=24h`);
  const section = tab.locator('#otel');
  await section.waitFor({ state: 'visible', timeout: 15_000 });
  const silence = await section.locator('.otel-silence').allTextContents();
  const rows = await section
    .locator('table.web-vitals tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  await context.close();
  return { silence, rows };
}

describe('the overview page says when spans arrive and none counts, and shows web vitals', () => {
  it('shows the line for spans no figure reads, with the web vitals of each page', async () => {
    await postSpans([
      span('HTTP GET', { 'url.full': 'https://api.example.org/items', 'http.request.method': 'GET' }),
      span('HTTP GET', { 'url.full': 'https://api.example.org/cart', 'http.request.method': 'GET' }),
      span('resourceFetch', { 'url.full': `${SITE_ORIGIN}/app.js` }),
    ]);
    const lcp = [1200, 2500, 1800, 3100];
    const records = [...lcp.map((value) => ({ name: 'LCP', value })), { name: 'CLS', value: 0.12 }].map(({ name, value }) => ({
      eventName: 'browser.web_vital',
      attributes: { 'browser.web_vital.name': name, 'browser.web_vital.value': value, 'url.full': `${SITE_ORIGIN}/shop` },
    }));
    const logs = await app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: { 'content-type': 'application/json', origin: SITE_ORIGIN },
      payload: logsBody(makeLogRecords(records, { 'service.name': 'my-web-app' }), 'json'),
    });
    expect(logs.statusCode, logs.body).toBe(200);
    expect(await app.pipeline.flush(30_000)).toBe(true);

    const shown = await readSection();
    expect(shown.silence).toEqual(['3 spans received, none analytic: see docs/otel-existing.md']);
    // LCP sorted 1200 1800 2500 3100: index floor(0.75 * 4) = 3, 3100.
    const p75 = [...lcp].sort((a, b) => a - b)[Math.floor(0.75 * lcp.length)]!;
    expect(shown.rows).toEqual([['/shop', `${p75.toLocaleString('en')} ms`, '–', '0.12', '–', '–']]);
  });

  it('drops the line once a span counts as a page view', async () => {
    await postSpans([span('documentLoad', { 'url.full': `${SITE_ORIGIN}/shop`, 'user_agent.original': BROWSER_UA })]);
    expect(await app.pipeline.flush(30_000)).toBe(true);
    // The span and its event go to two tables in batches of their own: read again until both landed.
    await expect.poll(async () => (await readSection()).silence, { timeout: 20_000 }).toEqual([]);
    expect((await readSection()).rows).toHaveLength(1);
  });
});
