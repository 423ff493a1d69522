import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTLP_LIMITS } from '../src/otlp/limits.js';
import { message } from './support/otlp-wire.js';
import { BROWSER_UA, beaconEvent, countOf, queryRows, testApp } from './support/test-app.js';

// Every limit of docs/limits.md refused as documented, before the work: OTLP
// counts and nesting (400, never 500), impossible numbers per data point, user agents cut before
// parsing, one rate-limit bucket across the beacon URLs, the proxy hops believed, slow senders and
// the connection cap.

const root = protobuf.loadSync(new URL('../src/otlp/proto/otlp.proto', import.meta.url).pathname);
const TraceRequest = root.lookupType('otlp.ExportTraceServiceRequest');
const nowNs = () => String(BigInt(Date.now()) * 1_000_000n);
const keyValues = (count: number) => Array.from({ length: count }, (_, index) => ({ key: `a${index}`, value: { stringValue: 'v' } }));

function jsonSpans(spans: Array<Record<string, unknown>>, resourceAttributes: unknown[] = []) {
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: resourceAttributes }, scopeSpans: [{ scope: { name: 'limits' }, spans }] }],
  });
}

const span = (fields: Record<string, unknown> = {}) => ({
  traceId: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex'),
  spanId: Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex'),
  name: 'limits',
  startTimeUnixNano: nowNs(),
  endTimeUnixNano: nowNs(),
  ...fields,
});

/** The same request as protobuf: ids as bytes. */
function protobufSpans(spans: Array<Record<string, unknown>>, resourceAttributes: unknown[] = []): Buffer {
  const message = {
    resourceSpans: [
      {
        resource: { attributes: resourceAttributes },
        scopeSpans: [
          {
            scope: { name: 'limits' },
            spans: spans.map((item) => ({
              ...item,
              traceId: Buffer.from(item.traceId as string, 'hex'),
              spanId: Buffer.from(item.spanId as string, 'hex'),
            })),
          },
        ],
      },
    ],
  };
  return Buffer.from(TraceRequest.encode(TraceRequest.fromObject(message)).finish());
}

/** A kvlist value nested `depth` deep. */
function nested(depth: number): unknown {
  let value: unknown = { stringValue: 'bottom' };
  for (let level = 0; level < depth; level++) value = { kvlistValue: { values: [{ key: 'k', value }] } };
  return value;
}

describe('OTLP limits', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (url: string, body: string | Buffer, type: 'json' | 'protobuf') =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': type === 'json' ? 'application/json' : 'application/x-protobuf' },
      payload: body,
    });

  const over: Array<[string, () => Array<Record<string, unknown>>, unknown[] | undefined, string]> = [
    ['attributes of a span', () => [span({ attributes: keyValues(OTLP_LIMITS.attributesPerItem + 1) })], undefined, 'attributes'],
    ['attributes of a resource', () => [span()], keyValues(OTLP_LIMITS.attributesPerItem + 1), 'attributes'],
    [
      'events of a span',
      () => [span({ events: Array.from({ length: OTLP_LIMITS.eventsPerSpan + 1 }, () => ({ timeUnixNano: nowNs(), name: 'e' })) })],
      undefined,
      'events of one span',
    ],
    ['spans of a request', () => Array.from({ length: OTLP_LIMITS.spansPerRequest + 1 }, () => span()), undefined, 'spans in one request'],
    [
      'nesting of a value',
      () => [span({ attributes: [{ key: 'deep', value: nested(OTLP_LIMITS.nestingDepth + 1) }] })],
      undefined,
      'nested',
    ],
  ];

  for (const encoding of ['json', 'protobuf'] as const) {
    for (const [what, spans, resource, message] of over) {
      it(`${encoding}: refuses a request over the limit on ${what} with 400 FOOTFALL_OTLP_LIMIT, storing nothing`, async () => {
        const made = spans();
        const body = encoding === 'json' ? jsonSpans(made, resource) : protobufSpans(made, resource);
        const response = await post('/v1/traces', body, encoding);
        expect(response.statusCode, response.body).toBe(400);
        expect(response.json()).toMatchObject({ code: 'FOOTFALL_OTLP_LIMIT', message: expect.stringContaining(message) });
        expect(await countOf(app, `SELECT count() AS n FROM otel_traces WHERE SpanId = '${made[0]!.spanId as string}'`)).toBe(0);
      });
    }

    it(`${encoding}: takes a request at every limit`, async () => {
      const made = [
        span({
          attributes: [...keyValues(OTLP_LIMITS.attributesPerItem - 1), { key: 'deep', value: nested(OTLP_LIMITS.nestingDepth - 1) }],
        }),
      ];
      const body =
        encoding === 'json'
          ? jsonSpans(made, keyValues(OTLP_LIMITS.attributesPerItem))
          : protobufSpans(made, keyValues(OTLP_LIMITS.attributesPerItem));
      const response = await post('/v1/traces', body, encoding);
      expect(response.statusCode, response.body).toBe(200);
      expect(await countOf(app, `SELECT count() AS n FROM otel_traces WHERE SpanId = '${made[0]!.spanId as string}'`)).toBe(1);
    });
  }

  it('answers 400, not 500, for a JSON value nested 10,000 deep', async () => {
    // Written as text: JSON.stringify itself cannot go that deep.
    const deep = `${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(10_000)}{"stringValue":"bottom"}${'}]}}'.repeat(10_000)}`;
    const body = jsonSpans([span({ attributes: [{ key: 'deep', value: { stringValue: 'DEEP' } }] })]).replace(
      '{"stringValue":"DEEP"}',
      deep,
    );
    const response = await post('/v1/traces', body, 'json');
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().code).toBe('FOOTFALL_OTLP_LIMIT');
  });

  it('refuses key-value lists nested 5,000 deep in metrics and logs as over the nesting limit (400 FOOTFALL_OTLP_LIMIT)', async () => {
    // Written byte by byte: no SDK nests this deep. protobufjs alone fails on such a body with an
    // error of its own; the walk before it must name the limit, as it does for traces.
    let value = message(1, 'bottom');
    for (let level = 0; level < 5000; level++) value = message(6, message(1, message(1, 'k'), message(2, value)));
    const attribute = (field: number) => message(field, message(1, 'deep'), message(2, value));
    const bodies = {
      // Request.1 > ResourceMetrics.2 > ScopeMetrics.2 > Metric.7 (sum) > points.1 > attributes.7
      '/v1/metrics': message(1, message(2, message(2, message(1, 'm'), message(7, message(1, attribute(7)))))),
      // Request.1 > ResourceLogs.2 > ScopeLogs.2 > LogRecord attributes.6
      '/v1/logs': message(1, message(2, message(2, attribute(6)))),
    };
    for (const [url, body] of Object.entries(bodies)) {
      const response = await post(url, body, 'protobuf');
      expect(response.statusCode, url).toBe(400);
      expect(response.json(), url).toMatchObject({
        code: 'FOOTFALL_OTLP_LIMIT',
        message: expect.stringContaining('nested more than 8 deep'),
      });
    }
  });

  it('refuses a protobuf body of a million attributes before decoding it', async () => {
    // 16 MB of protobuf, 2.4 MB as gzip: inside the size limits, so only the count refuses it.
    const body = gzipSync(protobufSpans([span({ attributes: keyValues(1_000_000) })]));
    const response = await app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      payload: body,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(`more than ${OTLP_LIMITS.attributesPerItem} attributes of one span`);
    expect((await app.inject('/healthz')).statusCode).toBe(200);
  });
});

describe('numbers that cannot be true, per data point', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => {
    await app.close();
  });

  /** A delta sum of portfolio.events with the given values, one data point each, as OTLP/JSON. */
  function browserCounts(values: Array<number | string>, object: string) {
    return JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'portfolio.site', value: { stringValue: 'portfolio' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'portfolio.events',
                  sum: {
                    aggregationTemporality: 1,
                    isMonotonic: true,
                    dataPoints: values.map((value, index) => ({
                      timeUnixNano: nowNs(),
                      asDouble: value,
                      attributes: [
                        { key: 'portfolio.event.type', value: { stringValue: 'object_click' } },
                        { key: 'portfolio.object.id', value: { stringValue: object } },
                        { key: 'n', value: { intValue: index } },
                      ],
                    })),
                  },
                },
              ],
            },
          ],
        },
      ],
    });
  }

  it('refuses negative, non-finite and huge counts with partial success, writes them nowhere, keeps the good one', async () => {
    const body = browserCounts([-5, 'NaN', 'Infinity', 1e308, 2.5, 4], 'camera');
    const response = await app.inject({
      method: 'POST',
      url: '/v1/metrics',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(200);
    const answer = JsonMetricsSerializer.deserializeResponse(response.rawPayload);
    expect(Number(answer.partialSuccess?.rejectedDataPoints)).toBe(5);
    expect(answer.partialSuccess?.errorMessage).toMatch(
      /^data points refused: 5 invalid_value \(`portfolio\.events`: a point of `portfolio\.events` has .+\)$/,
    );
    // Kept with its value as a beacon's refusals are: the owner sees it in the refused list.
    expect(await app.refusedValues.list()).toContainEqual(
      expect.objectContaining({ reason: 'invalid_value', value: 'portfolio.events', site: 'portfolio', count: 5 }),
    );
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toContain('footfall_browser_events_total{site="portfolio",type="object_click",object="camera"} 4');
    expect(metrics).toContain('footfall_events_refused_total{reason="invalid_value",source="otlp"} 5');
    const stored = await queryRows<{ value: number }>(
      app,
      "SELECT value FROM metric_points WHERE name = 'portfolio.events' AND attributes['portfolio.object.id'] = 'camera'",
    );
    expect(stored).toEqual([{ value: 4 }]);

    // Sent twice, 1e308 would have made the counter +Inf until a restart.
    await app.inject({
      method: 'POST',
      url: '/v1/metrics',
      headers: { 'content-type': 'application/json' },
      payload: browserCounts([1e308], 'camera'),
    });
    expect((await app.inject('/metrics')).body).toContain(
      'footfall_browser_events_total{site="portfolio",type="object_click",object="camera"} 4',
    );
  });

  it('refuses a non-finite value in protobuf the same way', async () => {
    // The SDK's serializer cannot make NaN from a counter; the request is the JSON one re-encoded.
    const json = JSON.parse(browserCounts([Number.NaN, 3].map(String), 'poster').replace('"NaN"', '"NaN"'));
    const request = root.lookupType('otlp.ExportMetricsServiceRequest');
    for (const point of json.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints) point.asDouble = Number(point.asDouble);
    const body = Buffer.from(request.encode(request.fromObject(json)).finish());
    const response = await app.inject({
      method: 'POST',
      url: '/v1/metrics',
      headers: { 'content-type': 'application/x-protobuf' },
      payload: body,
    });
    expect(response.statusCode).toBe(200);
    expect(Number(ProtobufMetricsSerializer.deserializeResponse(response.rawPayload).partialSuccess?.rejectedDataPoints)).toBe(1);
    expect(await countOf(app, "SELECT count() AS n FROM metric_points WHERE attributes['portfolio.object.id'] = 'poster'")).toBe(1);
  });
});

describe('user agents', () => {
  it('cuts a 4 MB user_agent.original before parsing, caching and storing it', async () => {
    const app = await testApp();
    try {
      const huge = `${BROWSER_UA} ${'x'.repeat(4 * 1024 * 1024)}`;
      const body = jsonSpans([
        span({
          attributes: [
            { key: 'portfolio.event.type', value: { stringValue: 'page_view' } },
            // A span names its site: one with none is refused (no_site), not stored under the first.
            { key: 'portfolio.site', value: { stringValue: 'portfolio' } },
            { key: 'session.id', value: { stringValue: 'huge-ua' } },
            { key: 'user_agent.original', value: { stringValue: huge } },
          ],
        }),
      ]);
      const response = await app.inject({
        method: 'POST',
        url: '/v1/traces',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        payload: gzipSync(body),
      });
      expect(response.statusCode, response.body).toBe(200);
      const [row] = await queryRows<{ browser: string; os: string; device: string }>(
        app,
        "SELECT browser, os, device FROM events WHERE session_id = 'huge-ua'",
      );
      expect(row).toBeDefined();
      expect(row!.browser.length).toBeLessThanOrEqual(64);
      expect(row!.os.length).toBeLessThanOrEqual(64);
      expect(await countOf(app, "SELECT max(length(SpanAttributes['user_agent.original'])) AS n FROM otel_traces")).toBeLessThanOrEqual(
        1024,
      );
    } finally {
      await app.close();
    }
  });
});

describe('rate limit and proxies', () => {
  it('counts /track and /v1/beacon in one bucket per client', async () => {
    const app = await testApp({ rateLimitPerMinute: 4 });
    try {
      const statuses: number[] = [];
      for (let request = 0; request < 6; request++) {
        const url = request % 2 === 0 ? '/v1/beacon' : '/track';
        const response = await app.inject({
          method: 'POST',
          url,
          remoteAddress: '198.51.100.7',
          headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA },
          payload: JSON.stringify(beaconEvent()),
        });
        statuses.push(response.statusCode);
        if (response.statusCode === 429) expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([202, 202, 202, 202, 429, 429]);
    } finally {
      await app.close();
    }
  });

  it('behind one proxy (TRUST_PROXY=1), a client cannot step around the limit with a forged X-Forwarded-For', async () => {
    const app = await testApp({ rateLimitPerMinute: 2, trustProxy: 1 });
    try {
      const statuses: number[] = [];
      for (let request = 0; request < 4; request++) {
        // The client writes a new address each time; the proxy (the socket peer) appends the real one.
        const forwarded = `10.9.8.${request}, 203.0.113.50`;
        const response = await app.inject({
          method: 'POST',
          url: '/v1/beacon',
          remoteAddress: '192.0.2.1',
          headers: { 'content-type': 'text/plain', 'x-forwarded-for': forwarded, 'user-agent': BROWSER_UA },
          payload: JSON.stringify(beaconEvent()),
        });
        statuses.push(response.statusCode);
      }
      expect(statuses).toEqual([202, 202, 429, 429]);
    } finally {
      await app.close();
    }
  });
});

/** Resolves when the socket is closed, however (an answer then a close, or a reset). */
const closed = (socket: Socket) => new Promise((resolve) => socket.on('close', resolve));

describe('slow senders and the connection cap', () => {
  it('ends a request whose body trickles in past REQUEST_TIMEOUT_MS, and drops connections past MAX_CONNECTIONS', async () => {
    // Short limits so the test does not wait minutes; the defaults are in docs/configuration.md.
    const app = await testApp({ requestTimeoutMs: 1000, headersTimeoutMs: 1000, maxConnections: 2 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    try {
      const slow = connect(port, '127.0.0.1');
      await once(slow, 'connect');
      slow.write('POST /v1/beacon HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n{');
      let answer = '';
      slow.on('data', (chunk) => (answer += chunk));
      slow.on('error', () => undefined); // the server may reset the socket after its answer
      const trickle = setInterval(() => slow.write(' '), 200);
      await closed(slow);
      clearInterval(trickle);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);

      const open = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
      await Promise.all(open.map((socket) => once(socket, 'connect')));
      const third = connect(port, '127.0.0.1');
      let received = '';
      third.on('data', (chunk) => (received += chunk));
      third.on('error', () => undefined);
      third.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await closed(third);
      expect(received).toBe('');
      for (const socket of open) socket.destroy();
    } finally {
      await app.close();
    }
  });
});
