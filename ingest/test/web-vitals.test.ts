// Web vitals per page: the OpenTelemetry browser instrumentation's `browser.web_vital` log records
// (made by the real logs SDK, sent with no `portfolio.*` attribute from a listed page origin, and
// with the resource attribute `portfolio.site`) and the tracker's OpenTelemetry tier's histograms
// (`portfolio.web_vital.<name>`, one measurement a data point) give the 75th percentile of each
// vital per page on /api/web-vitals. The expected figures are computed here from the values sent,
// by the definition ClickHouse's quantileExact(0.75) has: the sorted values' element at index
// floor(0.75 * n). Records of no site and points that add up several measurements are left out.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsBody, makeLogRecords } from './support/otel-logs.js';
import { SITE_ORIGIN, testApp } from './support/test-app.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app?.close();
});

/** What each source sends: page, vital, value. */
const FROM_ORIGIN: Array<[string, string, number]> = [
  ['/shop', 'LCP', 1200],
  ['/shop', 'LCP', 2500],
  ['/shop', 'LCP', 1800],
  ['/shop', 'LCP', 3100],
  ['/shop', 'CLS', 0.01],
  ['/shop', 'CLS', 0.2],
  ['/shop', 'CLS', 0.05],
  ['/about', 'INP', 80],
  ['/about', 'INP', 240],
];
const WITH_SITE: Array<[string, string, number]> = [
  ['/shop', 'LCP', 900],
  ['/about', 'TTFB', 310],
];
/** The tier's histograms, one measurement a data point. */
const TIER: Array<[string, string, number]> = [
  ['/shop', 'LCP', 2000],
  ['/shop', 'LCP', 2200],
  ['/about', 'FCP', 640],
];

const vitalRecords = (sent: Array<[string, string, number]>) =>
  sent.map(([path, name, value]) => ({
    eventName: 'browser.web_vital',
    attributes: { 'browser.web_vital.name': name, 'browser.web_vital.value': value, 'url.full': `http://localhost:5173${path}?ref=x` },
  }));

async function postLogs(records: ReturnType<typeof vitalRecords>, resource: Record<string, string>, headers: Record<string, string>) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/logs',
    headers: { 'content-type': 'application/json', ...headers },
    payload: logsBody(makeLogRecords(records, resource), 'json'),
  });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json()).toEqual({});
}

const nowNs = BigInt(Date.now()) * 1_000_000n;
let pointNumber = 0;
/** One delta histogram data point of the tier: `count` measurements adding up to `sum`. */
function histogram(path: string, name: string, count: number, sum: number) {
  const time = nowNs + BigInt(++pointNumber) * 1_000_000n;
  return {
    name: `portfolio.web_vital.${name.toLowerCase()}`,
    unit: name === 'CLS' ? '1' : 'ms',
    histogram: {
      aggregationTemporality: 1,
      dataPoints: [
        {
          attributes: [{ key: 'url.path', value: { stringValue: path } }],
          startTimeUnixNano: (time - 1_000_000_000n).toString(),
          timeUnixNano: time.toString(),
          count: String(count),
          sum,
          bucketCounts: [String(count), '0'],
          explicitBounds: [10_000],
        },
      ],
    },
  };
}

/** The 75th percentile as quantileExact defines it: sorted values, index floor(0.75 * n). */
function p75(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(0.75 * sorted.length)]!;
}

describe('web vitals per page', () => {
  it('gives the 75th percentile of each vital per page from the browser instrumentation and the tier', async () => {
    await postLogs(vitalRecords(FROM_ORIGIN), { 'service.name': 'my-web-app' }, { origin: SITE_ORIGIN });
    await postLogs(vitalRecords(WITH_SITE), { 'service.name': 'my-web-app', 'portfolio.site': 'portfolio' }, {});
    // No site can be found for these: neither an attribute nor an origin.
    await postLogs(vitalRecords([['/shop', 'LCP', 99_999]]), { 'service.name': 'my-web-app' }, {});
    const metrics = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'portfolio.site', value: { stringValue: 'portfolio' } }] },
          scopeMetrics: [
            {
              scope: { name: 'footfall-browser' },
              metrics: [...TIER.map(([path, name, value]) => histogram(path, name, 1, value)), histogram('/shop', 'LCP', 2, 50_000)],
            },
          ],
        },
      ],
    };
    const sent = await app.inject({
      method: 'POST',
      url: '/v1/metrics',
      headers: { 'content-type': 'application/json' },
      payload: metrics,
    });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json(), 'every data point accepted').toEqual({});
    expect(await app.pipeline.flush(30_000)).toBe(true);

    // Read at once: the points were a part of their own, in the second before the period's end,
    // which the engine's index analysis once skipped (test/period-edges.test.ts).
    const response = await app.inject({ method: 'GET', url: '/api/web-vitals?site=portfolio&range=24h' });
    expect(response.statusCode, response.body).toBe(200);
    const answer = response.json() as { pages: Array<{ path: string; name: string; p75: number; samples: number }>; left_out: number };

    const measured = new Map<string, number[]>();
    for (const [path, name, value] of [...FROM_ORIGIN, ...WITH_SITE, ...TIER]) {
      const key = `${path} ${name}`;
      measured.set(key, [...(measured.get(key) ?? []), value]);
    }
    const expected = [...measured].map(([key, values]) => {
      const [path, name] = key.split(' ');
      return { path: path!, name: name!, p75: p75(values), samples: values.length };
    });
    const byKey = (a: { path: string; name: string }, b: { path: string; name: string }) =>
      `${a.path} ${a.name}` < `${b.path} ${b.name}` ? -1 : 1;
    expect([...answer.pages].sort(byKey)).toEqual(expected.sort(byKey));
    // /shop LCP: 1200 1800 2000 2200 2500 3100 900, sorted 900 ... 3100: index 5 of 7 is 2500.
    expect(answer.pages.find((row) => row.path === '/shop' && row.name === 'LCP')).toMatchObject({ p75: 2500, samples: 7 });
    expect(answer.left_out).toBe(2);
  });

  it('stores a record sent straight in with the page origin of its request, as the Collector does', async () => {
    const marker = randomBytes(4).toString('hex');
    await postLogs(
      [
        {
          eventName: 'browser.web_vital',
          attributes: { 'browser.web_vital.name': 'FCP', 'browser.web_vital.value': 1, 'url.full': `http://localhost:5173/${marker}` },
        },
      ],
      { 'service.name': 'my-web-app' },
      { origin: SITE_ORIGIN },
    );
    expect(await app.pipeline.flush(30_000)).toBe(true);
    const result = await app.clickhouse.query({
      query: `SELECT ResourceAttributes['portfolio.origin'] AS origin FROM otel_logs WHERE LogAttributes['url.full'] = {url:String}`,
      query_params: { url: `http://localhost:5173/${marker}` },
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([{ origin: SITE_ORIGIN }]);
  });
});
