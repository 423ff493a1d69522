// What our built Collector does to what browsers send before it leaves: addresses, end-user ids,
// headers and query strings removed from spans, data points, log records (their scopes and bodies
// too) and resources alike; values and attribute counts bounded; CORS only for the site's origins;
// oversized bodies refused.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil, startCollector, freePorts, type ManagedProcess } from '@footfall/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postTraces, tracesRequest } from './support/otlp-json.js';
import { fromOtlp } from './support/privacy-requests.js';
import { forwardedLogRecord, forwardedPoints, forwardedSpan, logRequest, metricRequest, spanRequest } from './support/privacy-requests.js';
import { recordedSpans, startRecordingServer, type RecordingServer } from './support/recording-otlp-server.js';

const SITE_ORIGIN = 'http://127.0.0.1:5173';
const scratch = mkdtempSync(join(tmpdir(), 'footfall-collector-'));
let recorder: RecordingServer;
let collector: ManagedProcess;
let otlpUrl: string;

beforeAll(async () => {
  recorder = await startRecordingServer();
  const ports = await freePorts();
  otlpUrl = `http://127.0.0.1:${ports.otlpHttp}`;
  collector = await startCollector({
    ports: { otlpHttp: ports.otlpHttp, otlpGrpc: ports.otlpGrpc, health: ports.collectorHealth, metrics: ports.collectorMetrics },
    ingestEndpoint: recorder.url,
    storageDir: join(scratch, 'queue'),
    corsOrigins: [SITE_ORIGIN],
    logFile: join(scratch, 'collector.log'),
    env: { COLLECTOR_EXPORT_ENCODING: 'json', COLLECTOR_BATCH_TIMEOUT: '100ms', COLLECTOR_MAX_BODY_BYTES: '65536' },
  });
});

afterAll(async () => {
  await collector?.stop();
  await recorder?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const forwardedSpans = () => recordedSpans(recorder.requests);

describe('the Collector between browser and ingest service', () => {
  it('forwards analytics spans without client addresses, headers or query strings', async () => {
    const { body, spanIds } = tracesRequest([
      {
        type: 'object_click',
        session: 'privacy-session',
        object: 'guitar',
        extra: {
          'client.address': '203.0.113.7',
          'http.client_ip': '203.0.113.7',
          'network.peer.address': '203.0.113.7',
          'http.request.header.cookie': 'secret=1',
          'url.query': 'email=someone@example.com',
          'url.full': 'http://127.0.0.1:5173/projects?email=someone@example.com#top',
        },
      },
    ]);
    const response = await postTraces(otlpUrl, body);
    expect(response.status).toBe(200);

    await waitUntil('the span to be forwarded', () => forwardedSpans().some((s) => s.spanId === spanIds[0]), {
      intervalMs: 100,
      timeoutMs: 20_000,
    });
    const span = forwardedSpans().find((s) => s.spanId === spanIds[0]);
    const attributes = Object.fromEntries((span?.attributes ?? []).map((a) => [a.key, a.value.stringValue]));
    expect(attributes).toMatchObject({
      'portfolio.event.type': 'object_click',
      'portfolio.object.id': 'guitar',
      'session.id': 'privacy-session',
      'url.full': 'http://127.0.0.1:5173/projects',
    });
    for (const removed of ['client.address', 'http.client_ip', 'network.peer.address', 'http.request.header.cookie', 'url.query']) {
      expect(attributes, removed).not.toHaveProperty(removed);
    }
  });

  it('answers a CORS preflight from the site origin, and not from another origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${otlpUrl}/v1/traces`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight(SITE_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);
    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a body over the size limit with 400 and forwards none of it', async () => {
    const huge = tracesRequest(
      Array.from({ length: 400 }, () => ({ type: 'page_view', session: 'big', extra: { filler: 'x'.repeat(256) } })),
    );
    expect(huge.body.length).toBeGreaterThan(65_536);
    const response = await postTraces(otlpUrl, huge.body);
    // The OTLP receiver reads the body through a size-limited reader and answers a failed read with 400.
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('too large');
    expect(forwardedSpans().some((s) => s.spanId === huge.spanIds[0])).toBe(false);
  });
});

// What the privacy promise of docs/collector.md covers: client and peer addresses, enduser.*, HTTP headers
// and query strings, wherever they come: a span, a data point, or the resource of either.
const ADDRESSES = {
  'client.address': '203.0.113.7',
  'network.peer.address': '203.0.113.7',
  'net.peer.ip': '203.0.113.7',
};
const PERSONAL = {
  ...ADDRESSES,
  'enduser.id': 'someone@example.com',
  'http.request.header.cookie': 'secret=1',
  'url.query': 'email=someone@example.com',
};
const REMOVED = Object.keys(PERSONAL);
const QUERY_URL = 'http://127.0.0.1:5173/projects?email=someone@example.com#top';

describe('privacy of resources and data points', () => {
  const forwarded = async <T>(what: string, find: () => T | undefined): Promise<T> => {
    await waitUntil(what, () => find() !== undefined, { intervalMs: 100, timeoutMs: 20_000 });
    return find()!;
  };

  it("removes addresses and end-user ids from a span's resource", async () => {
    const { body, spanId } = spanRequest(
      { 'service.name': 'footfall-web', 'portfolio.site': 'portfolio', ...ADDRESSES, 'enduser.id': 'someone@example.com' },
      { 'portfolio.event.type': 'page_view', 'session.id': 'resource-privacy' },
    );
    expect((await postTraces(otlpUrl, body)).status).toBe(200);
    const { resource } = await forwarded('the span to be forwarded', () => forwardedSpan(recorder.requests, spanId));
    expect(resource).toEqual({ 'service.name': 'footfall-web', 'portfolio.site': 'portfolio' });
  });

  it('removes addresses, end-user ids, headers and query strings from data points and their resource', async () => {
    const prefix = 'privacy_test';
    const body = metricRequest(
      { 'service.name': 'footfall-web', 'portfolio.site': 'portfolio', ...ADDRESSES, 'enduser.id': 'someone@example.com' },
      {
        'portfolio.event.type': 'object_click',
        'portfolio.object.id': 'guitar',
        'url.path': '/projects',
        'url.full': QUERY_URL,
        ...PERSONAL,
      },
      prefix,
    );
    const response = await fetch(`${otlpUrl}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    for (const metric of [`${prefix}.events`, `${prefix}.lcp`]) {
      const points = await forwarded(`${metric} to be forwarded`, () => {
        const found = forwardedPoints(recorder.requests, metric);
        return found.length > 0 ? found : undefined;
      });
      expect(points, metric).toHaveLength(1);
      const [{ resource, point }] = points as [(typeof points)[number]];
      expect(resource, metric).toEqual({ 'service.name': 'footfall-web', 'portfolio.site': 'portfolio' });
      expect(point, metric).toEqual({
        'portfolio.event.type': 'object_click',
        'portfolio.object.id': 'guitar',
        'url.path': '/projects',
        'url.full': 'http://127.0.0.1:5173/projects',
      });
      for (const key of REMOVED) expect(point, `${metric} ${key}`).not.toHaveProperty(key);
    }
  });

  it('cleans log records, their scope, a key-value-list body and a text body', async () => {
    const body = logRequest({ 'service.name': 'footfall-web' }, { 'library.kind': 'browser', ...PERSONAL }, [
      {
        name: 'page-view',
        attributes: { 'url.path': '/projects', ...PERSONAL },
        // The browser's page-view event carries its URLs in the body.
        body: { url: QUERY_URL, referrer: 'https://search.example/results?q=my+name', title: 'Projects', ...PERSONAL },
      },
      {
        name: 'text',
        attributes: {},
        body: `GET ${QUERY_URL} failed: "https://a.example/x?y=1" <wss://b.example/#frag>`,
      },
    ]);
    const response = await fetch(`${otlpUrl}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    const pageView = await forwarded('the page view record to be forwarded', () => forwardedLogRecord(recorder.requests, 'page-view'));
    expect(pageView).toEqual({
      scope: { 'library.kind': 'browser' },
      attributes: { 'url.path': '/projects', 'test.record': 'page-view' },
      body: { url: 'http://127.0.0.1:5173/projects', referrer: 'https://search.example/results', title: 'Projects' },
    });
    const text = await forwarded('the text record to be forwarded', () => forwardedLogRecord(recorder.requests, 'text'));
    expect(text.body).toBe('GET http://127.0.0.1:5173/projects failed: "https://a.example/x" <wss://b.example/>');
  });

  it('cuts span values to 512 characters and keeps 64 attributes, the analytics ones first', async () => {
    const filler = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`filler.${String(i).padStart(2, '0')}`, 'v']));
    const analytics = {
      'portfolio.event.type': 'object_click',
      'portfolio.object.id': 'laptop',
      'portfolio.room.id': 'studio',
      'session.id': 'bounded-session',
      'url.path': '/room',
    };
    // The analytics attributes come last, where a plain cut at 64 would drop them.
    const { body, spanId } = spanRequest(
      { 'service.name': 'footfall-web', 'portfolio.site': 'portfolio' },
      {
        ...filler,
        'long.value': 'y'.repeat(2000),
        ...analytics,
      },
    );
    expect((await postTraces(otlpUrl, body)).status).toBe(200);
    const { span } = await forwarded('the span to be forwarded', () => forwardedSpan(recorder.requests, spanId));
    expect(Object.keys(span)).toHaveLength(64);
    expect(span).toMatchObject(analytics);
    for (const value of Object.values(span)) expect(value.length).toBeLessThanOrEqual(512);
  });

  it('keeps 16 attributes per data point, the analytics ones first', async () => {
    const prefix = 'bounded_test';
    const filler = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`filler.${String(i).padStart(2, '0')}`, 'v']));
    const analytics = { 'portfolio.event.type': 'object_click', 'portfolio.object.id': 'camera', 'url.path': '/room' };
    const body = metricRequest({ 'service.name': 'footfall-web', 'portfolio.site': 'portfolio' }, { ...filler, ...analytics }, prefix);
    const response = await fetch(`${otlpUrl}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    const points = await forwarded('the data points to be forwarded', () => {
      const found = forwardedPoints(recorder.requests, `${prefix}.events`);
      return found.length > 0 ? found : undefined;
    });
    expect(points).toHaveLength(1);
    expect(Object.keys(points[0]!.point)).toHaveLength(16);
    expect(points[0]!.point).toMatchObject(analytics);
  });
});

// Names are stored as sent by the ingest service: the Collector cleans them as the service does
// (ingest/src/otlp/name-privacy.ts), a URL's or a path's query and fragment cut, e-mail addresses
// masked.
describe('privacy of names', () => {
  const SECRET = 's3cret-token';
  const post = (signal: string, body: unknown) =>
    fetch(`${otlpUrl}/v1/${signal}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const nowNs = () => String(BigInt(Date.now()) * 1_000_000n);
  const forwardedOf = <T>(path: string, pick: (body: never) => T[]): T[] =>
    recorder.requests.filter((request) => request.path === path).flatMap((request) => pick(request.body as never));

  it('cleans span and span event names, log event names (both kinds) and metric names', async () => {
    const marker = randomBytes(8).toString('hex');
    const time = nowNs();
    const traces = await post('traces', {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: randomBytes(16).toString('hex'),
                  spanId: marker,
                  name: `GET https://example.com/reset?token=${SECRET}#top`,
                  kind: 1,
                  startTimeUnixNano: time,
                  endTimeUnixNano: time,
                  events: [{ timeUnixNano: time, name: 'mail someone@example.com' }],
                },
              ],
            },
          ],
        },
      ],
    });
    expect(traces.status).toBe(200);
    const record = (eventName: string, attributes: Record<string, string>) => ({
      timeUnixNano: time,
      eventName,
      attributes: Object.entries({ ...attributes, 'test.marker': marker }).map(([key, value]) => ({ key, value: { stringValue: value } })),
    });
    const logs = await post('logs', {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                record(`GET /reset?token=${SECRET}`, { 'test.record': 'event_name' }),
                record('', { 'test.record': 'event.name', 'event.name': 'mail someone@example.com' }),
              ],
            },
          ],
        },
      ],
    });
    expect(logs.status).toBe(200);
    const metrics = await post('metrics', {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: `/checkout?token=${SECRET} ${marker}@example.com`, gauge: { dataPoints: [{ timeUnixNano: time, asDouble: 1 }] } },
              ],
            },
          ],
        },
      ],
    });
    expect(metrics.status).toBe(200);

    type Span = { spanId: string; name: string; events?: Array<{ name: string }> };
    const spans = () =>
      forwardedOf('/v1/traces', (body: { resourceSpans: Array<{ scopeSpans: Array<{ spans: Span[] }> }> }) =>
        body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
      ).filter((span) => span.spanId === marker);
    type ForwardedRecord = { eventName?: string; attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    const records = () =>
      forwardedOf('/v1/logs', (body: { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: ForwardedRecord[] }> }> }) =>
        body.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords)),
      ).filter((found) => fromOtlp(found.attributes)['test.marker'] === marker);
    const metricNames = () =>
      forwardedOf('/v1/metrics', (body: { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ name: string }> }> }> }) =>
        body.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((metric) => metric.name))),
      ).filter((name) => name.includes('/checkout'));
    await waitUntil(
      'the span, log records and metric to be forwarded',
      () => spans().length + records().length + metricNames().length === 4,
      {
        intervalMs: 100,
        timeoutMs: 20_000,
      },
    );

    expect(spans().map((span) => [span.name, span.events?.map((event) => event.name)])).toEqual([
      ['GET https://example.com/reset', ['mail [email]']],
    ]);
    const byRecord = Object.fromEntries(records().map((found) => [fromOtlp(found.attributes)['test.record'], found]));
    expect(byRecord.event_name?.eventName).toBe('GET /reset');
    expect(fromOtlp(byRecord['event.name']?.attributes)['event.name']).toBe('mail [email]');
    expect(metricNames()).toEqual(['/checkout [email]']);
    const forwarded = JSON.stringify(recorder.requests);
    expect(forwarded).not.toContain(SECRET);
    expect(forwarded).not.toContain(`${marker}@example.com`);
  });
});
