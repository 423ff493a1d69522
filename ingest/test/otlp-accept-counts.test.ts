// What accept/ adds up for each OTLP request (accept-spans.ts, accept-log-records.ts,
// accept-data-points.ts): every span and log record received, the items kept that carry no
// analytics event (by signal, so a site seeing nothing learns why), the events accepted from
// OTLP, the answer of a clean export, and each refused value kept with its own count.
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { logsBody, makeLogRecords } from './support/otel-logs.js';
import { makeSpans, metricsBody, tracesBody } from './support/otel-requests.js';
import { metricValue } from './support/prometheus-text.js';
import { testApp } from './support/test-app.js';

const post = (app: FastifyInstance, url: string, payload: Buffer | string) =>
  app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });

/** Whether the service exports the series at all (prom-client prints a labelled counter once it was touched). */
async function hasSeries(app: FastifyInstance, series: string): Promise<boolean> {
  const exposition = (await app.inject('/metrics')).body;
  return exposition.split('\n').some((line) => line.startsWith(`${series} `));
}

const NOT_ANALYTIC = 'footfall_otlp_items_not_analytic_total';

describe('accepting OTLP requests', () => {
  it('counts every span received and, by signal, the spans kept that carry no event; a request of events only adds no such series', async () => {
    const app = await testApp();
    try {
      const event = (session: string) => ({
        name: 'page.view',
        attributes: { 'portfolio.event.type': 'page_view', 'session.id': session, 'url.path': '/' },
      });
      const events = await post(app, '/v1/traces', tracesBody(makeSpans([event('spans-a'), event('spans-b')]), 'json'));
      expect(events.statusCode).toBe(200);
      expect(events.json()).toEqual({});
      expect(await metricValue(app, 'footfall_spans_received_total')).toBe(2);
      expect(await hasSeries(app, `${NOT_ANALYTIC}{signal="traces"}`)).toBe(false);

      const plain = { name: 'GET /api/cart', attributes: { 'http.request.method': 'GET' } };
      const mixed = await post(app, '/v1/traces', tracesBody(makeSpans([event('spans-c'), plain, plain]), 'json'));
      expect(mixed.json()).toEqual({});
      expect(await metricValue(app, 'footfall_spans_received_total')).toBe(5);
      expect(await metricValue(app, NOT_ANALYTIC, { signal: 'traces' })).toBe(2);
      expect(await metricValue(app, 'footfall_events_accepted_total', { site: 'portfolio', type: 'page_view', source: 'otlp' })).toBe(3);
    } finally {
      await app.close();
    }
  });

  it('counts every log record received, the log lines as not analytic, and the events among them as accepted from OTLP', async () => {
    const app = await testApp();
    try {
      const event = (session: string) => ({ eventName: 'page_view', attributes: { 'session.id': session, 'url.path': '/' } });
      const events = await post(app, '/v1/logs', logsBody(makeLogRecords([event('logs-a')]), 'json'));
      expect(events.statusCode).toBe(200);
      expect(events.json()).toEqual({});
      expect(await metricValue(app, 'footfall_log_records_received_total')).toBe(1);
      expect(await hasSeries(app, `${NOT_ANALYTIC}{signal="logs"}`)).toBe(false);
      expect(await metricValue(app, 'footfall_events_accepted_total', { site: 'portfolio', type: 'page_view', source: 'otlp' })).toBe(1);

      const line = { body: 'cart saved', severityText: 'INFO' };
      const mixed = await post(app, '/v1/logs', logsBody(makeLogRecords([line, event('logs-b'), line]), 'json'));
      expect(mixed.json()).toEqual({});
      expect(await metricValue(app, 'footfall_log_records_received_total')).toBe(4);
      expect(await metricValue(app, NOT_ANALYTIC, { signal: 'logs' })).toBe(2);
      expect(await metricValue(app, 'footfall_events_accepted_total', { site: 'portfolio', type: 'page_view', source: 'otlp' })).toBe(2);
    } finally {
      await app.close();
    }
  });

  it('answers a clean metrics export with no partial success, and keeps each refused value of data points with its own count', async () => {
    const app = await testApp();
    try {
      const clean = await post(app, '/v1/metrics', await metricsBody([{ type: 'page_view', value: 2 }], 'json'));
      expect(clean.statusCode).toBe(200);
      expect(clean.json()).toEqual({});

      const timeUnixNano = `${Date.now()}000000`;
      const pointOf = (site: string) => ({
        timeUnixNano,
        asDouble: 1,
        attributes: [{ key: 'portfolio.site', value: { stringValue: site } }],
      });
      const body = {
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop-web' } }] },
            scopeMetrics: [
              {
                scope: { name: 'shop' },
                metrics: [{ name: 'shop.queue', gauge: { dataPoints: [pointOf('nowhere-a'), pointOf('nowhere-b')] } }],
              },
            ],
          },
        ],
      };
      const refused = await post(app, '/v1/metrics', JSON.stringify(body));
      expect(refused.statusCode).toBe(200);
      expect(refused.json().partialSuccess.rejectedDataPoints).toBe(2);
      const values = (await app.refusedValues.list()).filter((value) => value.reason === 'unknown_site');
      expect(values.map(({ value, count }) => ({ value, count }))).toEqual([
        { value: 'nowhere-a', count: 1 },
        { value: 'nowhere-b', count: 1 },
      ]);
    } finally {
      await app.close();
    }
  });
});
