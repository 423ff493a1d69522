// POST /v1/logs: log records with a catalog event name become analytics events, other records go
// to otel_logs; both stored once however often a request is sent. Requests made by the real logs SDK.
import { gzipSync } from 'node:zlib';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cut } from '../src/accept/refusals.js';
import { logsBody, makeLogRecords } from './support/otel-logs.js';
import { makeSpans, RESOURCE, tracesBody } from './support/otel-requests.js';
import { countOf, queryRows, testApp } from './support/test-app.js';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
/** What the OpenTelemetry JS exporters send as their own User-Agent. */
const EXPORTER_UA = 'OTel-OTLP-Exporter-JavaScript/0.301.0';
const CRAWLER_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

const post = (app: FastifyInstance, url: string, body: Buffer, contentType: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { 'content-type': contentType, 'user-agent': EXPORTER_UA, ...headers }, payload: body });

function responseOf(
  encoding: 'protobuf' | 'json',
  payload: Buffer | string,
): { partialSuccess?: { rejectedLogRecords?: number; errorMessage?: string } } {
  if (encoding === 'json') return JSON.parse(String(payload));
  return ProtobufLogsSerializer.deserializeResponse(payload as Buffer) as never;
}

describe.each([
  ['protobuf', PROTOBUF],
  ['json', JSON_TYPE],
] as const)('POST /v1/logs as %s', (encoding, contentType) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('stores event records as events and the others in otel_logs, each once however often sent', async () => {
    const session = `logs-${encoding}`;
    const records = makeLogRecords([
      {
        eventName: 'object_click',
        attributes: { 'portfolio.object.id': 'guitar', 'session.id': session, 'url.path': '/room', 'portfolio.props.source': 'raycast' },
      },
      { attributes: { 'event.name': 'page_view', 'session.id': session, 'url.path': '/about' } },
      {
        eventName: 'portfolio.room',
        attributes: { 'portfolio.event.type': 'room_enter', 'portfolio.room.id': 'studio', 'session.id': session },
      },
      { body: `plain line ${session}`, severityNumber: 9, severityText: 'INFO', attributes: { 'code.function': 'boot' } },
      { eventName: 'browser.page_view', body: { url: 'http://localhost:5173/' }, attributes: { 'session.id': session } },
    ]);
    const body = logsBody(records, encoding);
    for (const [times, payload, headers] of [
      [1, body, {}],
      [2, body, {}],
      [3, gzipSync(body), { 'content-encoding': 'gzip' }],
    ] as const) {
      const response = await post(app, '/v1/logs', payload, contentType, headers);
      expect(response.statusCode, `send ${times}`).toBe(200);
      expect(response.headers['content-type']).toContain(contentType);
      expect(responseOf(encoding, response.rawPayload).partialSuccess ?? {}).toEqual({});
    }

    const events = await queryRows<Record<string, unknown>>(
      app,
      `SELECT type, object_id, room_id, path, props, source, device FROM events WHERE session_id = '${session}' ORDER BY type`,
    );
    expect(events.map((event) => event.type)).toEqual(['object_click', 'page_view', 'room_enter']);
    expect(events[0]).toMatchObject({
      object_id: 'guitar',
      room_id: 'studio',
      path: '/room',
      source: 'otlp',
      device: 'desktop',
      props: { source: 'raycast' },
    });
    expect(events[2]).toMatchObject({ room_id: 'studio' });

    const logs = await queryRows<Record<string, unknown>>(
      app,
      `SELECT Body, SeverityText, SeverityNumber, ServiceName, ScopeName, EventName, LogAttributes FROM otel_logs
       WHERE Body = 'plain line ${session}' OR LogAttributes['session.id'] = '${session}' ORDER BY EventName`,
    );
    expect(logs).toEqual([
      expect.objectContaining({
        Body: `plain line ${session}`,
        SeverityText: 'INFO',
        SeverityNumber: 9,
        ServiceName: 'portfolio-web',
        ScopeName: 'footfall-test',
        EventName: '',
        LogAttributes: { 'code.function': 'boot' },
      }),
      expect.objectContaining({ Body: '{"url":"http://localhost:5173/"}', EventName: 'browser.page_view' }),
    ]);
    expect(
      await countOf(
        app,
        `SELECT count() AS n FROM otel_logs WHERE LogAttributes['session.id'] = '${session}' OR Body = 'plain line ${session}'`,
      ),
    ).toBe(2);
  });

  it('refuses bad events with partial success, judging bots by the visitor agent only', async () => {
    const session = `logs-refused-${encoding}`;
    const visitor = makeLogRecords([
      { eventName: 'object_click', attributes: { 'portfolio.object.id': 'unicorn', 'session.id': session, 'url.path': '/room' } },
      { eventName: 'time_spent', attributes: { 'session.id': session, 'url.path': '/room' } },
      { eventName: 'page_view', attributes: { 'session.id': session, 'url.path': '/' } },
      { eventName: 'page_view', attributes: { 'session.id': session, 'url.path': '/crawled', 'user_agent.original': CRAWLER_UA } },
    ]);
    const response = await post(app, '/v1/logs', logsBody(visitor, encoding), contentType);
    expect(response.statusCode).toBe(200);
    const partial = responseOf(encoding, response.rawPayload).partialSuccess;
    expect(partial?.rejectedLogRecords).toBe(3);
    // Each reason with its count, a value and what to do, as a beacon's refusals are answered.
    const message = partial?.errorMessage ?? '';
    expect(message).toMatch(
      /^log records refused: 1 unknown_object \(`unicorn`: add object `unicorn` to a room of site `portfolio` in `[^`]+`\); /,
    );
    expect(message).toContain('; 1 missing_field (`duration_ms`: send `duration_ms` with the event (docs/otlp-mapping.md)); ');
    const botHint = app.refusedValues.hint({ reason: 'bot', value: cut(CRAWLER_UA), site: 'portfolio' });
    expect(message.endsWith(`; 1 bot (\`${cut(CRAWLER_UA)}\`: ${botHint})`)).toBe(true);
    expect(await countOf(app, `SELECT count() AS n FROM events WHERE session_id = '${session}'`)).toBe(1);
  });

  it('never takes the exporter or Collector User-Agent for the visitor', async () => {
    const session = `logs-no-agent-${encoding}`;
    const { 'user_agent.original': _visitorAgent, ...resource } = RESOURCE;
    const records = makeLogRecords([{ eventName: 'page_view', attributes: { 'session.id': session, 'url.path': '/' } }], resource);
    const spans = makeSpans(
      [{ name: 'page', attributes: { 'portfolio.event.type': 'page_view', 'session.id': `${session}-span`, 'url.path': '/' } }],
      resource,
    );
    // A crawler's agent in the request header: the exporter's, not the visitor's.
    for (const [url, body] of [
      ['/v1/logs', logsBody(records, encoding)],
      ['/v1/traces', tracesBody(spans, encoding)],
    ] as const) {
      const response = await post(app, url, body, contentType, { 'user-agent': CRAWLER_UA });
      expect(response.statusCode, url).toBe(200);
      if (encoding === 'json') expect(JSON.parse(response.body).partialSuccess ?? {}, url).toEqual({});
    }
    const stored = await queryRows<{ session_id: string; device: string }>(
      app,
      `SELECT session_id, device FROM events WHERE session_id IN ('${session}', '${session}-span') ORDER BY session_id`,
    );
    expect(stored).toEqual([
      { session_id: session, device: 'unknown' },
      { session_id: `${session}-span`, device: 'unknown' },
    ]);
  });
});

describe('POST /v1/logs refusals', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers 400 with a code for a body that is not OTLP', async () => {
    const badJson = await post(app, '/v1/logs', Buffer.from('{"resourceLogs": ['), JSON_TYPE);
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({ code: 'FOOTFALL_BAD_OTLP' });

    const wrongShape = await post(app, '/v1/logs', Buffer.from('{"resourceLogs": {"scopeLogs": 1}}'), JSON_TYPE);
    expect(wrongShape.statusCode).toBe(400);
    expect(wrongShape.json()).toMatchObject({ code: 'FOOTFALL_BAD_OTLP', message: expect.stringContaining('expected an array') });

    const badProtobuf = await post(app, '/v1/logs', Buffer.from([0x0a, 0xff, 0xff, 0xff]), PROTOBUF);
    expect(badProtobuf.statusCode).toBe(400);
    expect(badProtobuf.json()).toMatchObject({ code: 'FOOTFALL_BAD_OTLP' });

    const badGzip = await post(app, '/v1/logs', Buffer.from('not gzip'), JSON_TYPE, { 'content-encoding': 'gzip' });
    expect(badGzip.statusCode).toBe(400);
    expect(badGzip.json()).toMatchObject({ code: 'FOOTFALL_BAD_OTLP', message: expect.stringContaining('invalid gzip') });
  });
});

describe('erasure of a session', () => {
  const TOKEN = 'logs-erasure-token';
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN });
  });
  afterAll(async () => {
    await app.close();
  });

  it('removes its log records from otel_logs, on the record or on the resource, and no other', async () => {
    const onRecord = makeLogRecords([
      { body: 'kept', attributes: { 'session.id': 'logs-kept' } },
      { body: 'erased on the record', attributes: { 'session.id': 'logs-erased' } },
    ]);
    const onResource = makeLogRecords([{ body: 'erased on the resource' }], { ...RESOURCE, 'session.id': 'logs-erased' });
    for (const records of [onRecord, onResource]) {
      expect((await post(app, '/v1/logs', logsBody(records, 'json'), JSON_TYPE)).statusCode).toBe(200);
    }
    const response = await app.inject({
      method: 'DELETE',
      url: '/api/sessions/logs-erased',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: 'logs-erased', deleted: { events: 0, traces: 0, metric_points: 0, logs: 2, quarantined: 0 } });
    expect(await queryRows<{ Body: string }>(app, 'SELECT Body FROM otel_logs ORDER BY Body')).toEqual([{ Body: 'kept' }]);
  });
});
