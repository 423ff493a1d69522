// Erasure of one person who used both tiers: beacons, and OTLP spans, log records and data points.
// Their OTLP events carry a visitor id made from site + session + user agent, not the beacon's;
// their spans and log records name sessions, traces tie a session's other spans to it. After the
// erasure nothing with any of their keys is left in any table, in the refused values or in the
// live summaries; another person's rows are all still there; what they send afterwards is new data.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cut } from '../src/accept/refusals.js';
import type { Stats } from '../src/stats/stats.js';
import { beaconEvent, countOf, postBeacon, queryRows, testApp } from './support/test-app.js';

const TOKEN = 'erasure-token-1';
const ALICE_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const BOB_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const nowNs = () => `${BigInt(Date.now()) * 1_000_000n}`;
const attrs = (values: Record<string, string>) => Object.entries(values).map(([key, value]) => ({ key, value: { stringValue: value } }));

interface Person {
  name: string;
  userAgent: string;
  /** A visit sent as beacons and as OTLP. */
  session: string;
  /** A second visit, sent as beacons only. */
  beaconOnlySession: string;
  /** The trace of the visit's spans: one with the session, one (a fetch inside it) without. */
  traceId: string;
}

const person = (name: string, userAgent: string): Person => ({
  name,
  userAgent,
  session: `${name}-visit-${hex(4)}`,
  beaconOnlySession: `${name}-later-${hex(4)}`,
  traceId: hex(16),
});

async function post(app: FastifyInstance, url: string, body: unknown): Promise<void> {
  const response = await app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
}

/** Everything one person sends: beacons of two visits, then spans, log records and a data point of the first. */
async function sendAll(app: FastifyInstance, who: Person): Promise<void> {
  const beacons = [beaconEvent({ session: who.session, path: '/' }), beaconEvent({ session: who.session, path: '/about' })];
  expect((await postBeacon(app, { site: 'portfolio', events: beacons }, { 'user-agent': who.userAgent })).statusCode).toBe(202);
  const later = [beaconEvent({ session: who.beaconOnlySession, path: '/projects' })];
  expect((await postBeacon(app, { site: 'portfolio', events: later }, { 'user-agent': who.userAgent })).statusCode).toBe(202);

  const resource = {
    attributes: attrs({ 'service.name': 'portfolio-web', 'portfolio.site': 'portfolio', 'user_agent.original': who.userAgent }),
  };
  const pageSpan = hex(8);
  await post(app, '/v1/traces', {
    resourceSpans: [
      {
        resource,
        scopeSpans: [
          {
            scope: { name: 'footfall-test' },
            spans: [
              {
                traceId: who.traceId,
                spanId: pageSpan,
                name: 'page.view',
                kind: 1,
                startTimeUnixNano: nowNs(),
                endTimeUnixNano: nowNs(),
                attributes: attrs({ 'portfolio.event.type': 'page_view', 'session.id': who.session, 'url.path': '/room' }),
              },
              {
                traceId: who.traceId,
                spanId: hex(8),
                parentSpanId: pageSpan,
                name: 'HTTP GET',
                kind: 3,
                startTimeUnixNano: nowNs(),
                endTimeUnixNano: nowNs(),
                attributes: attrs({ 'http.request.method': 'GET' }),
              },
            ],
          },
        ],
      },
    ],
  });
  await post(app, '/v1/logs', {
    resourceLogs: [
      {
        resource,
        scopeLogs: [
          {
            scope: { name: 'footfall-test' },
            logRecords: [
              {
                timeUnixNano: nowNs(),
                eventName: 'browser.page_view',
                attributes: attrs({ 'portfolio.event.type': 'page_view', 'session.id': who.session, 'url.path': '/contact' }),
              },
              // A plain log line of the same trace, naming no session.
              { timeUnixNano: nowNs(), traceId: who.traceId, spanId: pageSpan, body: { stringValue: `${who.name} clicked` } },
            ],
          },
        ],
      },
    ],
  });
  await post(app, '/v1/metrics', {
    resourceMetrics: [
      {
        resource,
        scopeMetrics: [
          {
            scope: { name: 'footfall-test' },
            metrics: [
              {
                name: 'portfolio.web_vital.lcp',
                unit: 'ms',
                gauge: { dataPoints: [{ timeUnixNano: nowNs(), asDouble: 1234, attributes: attrs({ 'session.id': who.session }) }] },
              },
            ],
          },
        ],
      },
    ],
  });
}

/** Every key of a person's rows: visitor ids (beacon and OTLP), sessions, trace ids. */
async function keysOf(app: FastifyInstance, who: Person): Promise<{ visitors: string[]; sessions: string[] }> {
  const rows = await queryRows<{ visitor_id: string }>(
    app,
    `SELECT DISTINCT visitor_id FROM events WHERE session_id IN ('${who.session}', '${who.beaconOnlySession}') ORDER BY visitor_id`,
  );
  return { visitors: rows.map((row) => row.visitor_id), sessions: [who.session, who.beaconOnlySession] };
}

/** How many rows of every table name one of these keys. */
async function rowsNaming(app: FastifyInstance, keys: { visitors: string[]; sessions: string[]; traceId: string }) {
  // An empty list names no key: a value no id has.
  const list = (values: string[]) => (values.length === 0 ? "'no id'" : values.map((value) => `'${value}'`).join(', '));
  const sessions = list(keys.sessions);
  const visitors = list(keys.visitors);
  const tables = {
    events: `SELECT count() AS n FROM events WHERE session_id IN (${sessions}) OR visitor_id IN (${visitors})`,
    otel_traces: `SELECT count() AS n FROM otel_traces WHERE TraceId = '${keys.traceId}'
                  OR SpanAttributes['session.id'] IN (${sessions}) OR ResourceAttributes['session.id'] IN (${sessions})`,
    otel_logs: `SELECT count() AS n FROM otel_logs WHERE TraceId = '${keys.traceId}'
                OR LogAttributes['session.id'] IN (${sessions}) OR ResourceAttributes['session.id'] IN (${sessions})`,
    metric_points: `SELECT count() AS n FROM metric_points WHERE attributes['session.id'] IN (${sessions})`,
    visits_per_hour: `SELECT uniqExact(session_key) AS n FROM visits_per_hour WHERE session_key IN (SELECT cityHash64(arrayJoin([${sessions}])))`,
  };
  const counts: Record<string, number> = {};
  for (const [table, query] of Object.entries(tables)) counts[table] = await countOf(app, query);
  return counts;
}

describe('erasing a visitor who used both tiers', () => {
  let app: FastifyInstance;
  const alice = person('alice', ALICE_UA);
  const bob = person('bob', BOB_UA);
  const erase = (url: string) => app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${TOKEN}` } });

  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN });
    await sendAll(app, alice);
    await sendAll(app, bob);
  });
  afterAll(async () => {
    await app.close();
  });

  it('removes every row tied to them in every table, keeps every row of another person, and forgets them in memory', async () => {
    const aliceKeys = await keysOf(app, alice);
    // One visitor id for the beacons (site, IP, user agent), one for the OTLP events (site, session, user agent).
    expect(aliceKeys.visitors).toHaveLength(2);
    const aliceAll = { ...aliceKeys, traceId: alice.traceId };
    const bobAll = { ...(await keysOf(app, bob)), traceId: bob.traceId };
    const sent = { events: 5, otel_traces: 2, otel_logs: 1, metric_points: 1, visits_per_hour: 2 };
    // Each person: 3 beacon events and 2 OTLP events (a span's, a log record's); two spans; the
    // plain log line (the event record is stored as an event only); one data point; two visits.
    expect(await rowsNaming(app, aliceAll)).toEqual(sent);
    expect(await rowsNaming(app, bobAll)).toEqual(sent);

    // What is kept of them beyond the tables: a refused value that is their user agent (as a
    // request of theirs judged a bot leaves), and live summaries listing their events.
    app.refusedValues.record({ reason: 'bot', value: cut(ALICE_UA), site: 'portfolio' }, 2);
    app.refusedValues.record({ reason: 'bot', value: cut(BOB_UA), site: 'portfolio' }, 3);
    await app.refusedValues.flush();
    const summaries: Stats[] = [];
    const stop = app.statsFeed.subscribe({ site: 'portfolio', range: '1h' }, (stats) => summaries.push(stats));
    await expect.poll(() => summaries.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const sessionsIn = (stats: Stats) => new Set(stats.recent_events.map((event) => event.session_id));
    expect(sessionsIn(summaries[0]!).has(alice.session)).toBe(true);

    // The beacon visitor id: the id the overview and the exports show.
    const [beaconVisitor] = await queryRows<{ visitor_id: string }>(
      app,
      `SELECT visitor_id FROM events WHERE session_id = '${alice.beaconOnlySession}' LIMIT 1`,
    );
    const response = await erase(`/api/visitors/${beaconVisitor!.visitor_id}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().deleted).toEqual({ events: 5, traces: 2, metric_points: 1, logs: 1, quarantined: 0 });

    expect(await rowsNaming(app, aliceAll)).toEqual({ events: 0, otel_traces: 0, otel_logs: 0, metric_points: 0, visits_per_hour: 0 });
    expect(await rowsNaming(app, bobAll)).toEqual(sent);

    const refused = (await app.refusedValues.list()).filter((value) => value.reason === 'bot');
    expect(refused.map(({ value, count }) => ({ value, count }))).toEqual([{ value: cut(BOB_UA), count: 3 }]);
    // A summary asked for after the erasure, kept or fresh, and a stream's next one, list none of their events.
    const after = await app.statsFeed.current({ site: 'portfolio', range: '1h' });
    expect(sessionsIn(after).has(alice.session)).toBe(false);
    expect(sessionsIn(after).has(bob.session)).toBe(true);
    const joined: Stats[] = [];
    const stopJoined = app.statsFeed.subscribe({ site: 'portfolio', range: '1h' }, (stats) => joined.push(stats));
    await expect.poll(() => joined.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(sessionsIn(joined[0]!).has(alice.session)).toBe(false);
    stopJoined();
    stop();

    // Erased again: nothing left to erase.
    expect((await erase(`/api/visitors/${beaconVisitor!.visitor_id}`)).json().deleted).toEqual({
      events: 0,
      traces: 0,
      metric_points: 0,
      logs: 0,
      quarantined: 0,
    });
  });

  it('takes what they send afterwards as new data', async () => {
    const event = beaconEvent({ session: alice.session, path: '/again' });
    expect((await postBeacon(app, { site: 'portfolio', events: [event] }, { 'user-agent': ALICE_UA })).statusCode).toBe(202);
    expect(await countOf(app, `SELECT count() AS n FROM events WHERE session_id = '${alice.session}'`)).toBe(1);
  });

  it('erases a session in every table, the trace its spans belong to included', async () => {
    const response = await erase(`/api/sessions/${bob.session}`);
    expect(response.statusCode, response.body).toBe(200);
    // Bob's 2 beacon events and 2 OTLP events of that visit; his later visit stays.
    expect(response.json().deleted).toEqual({ events: 4, traces: 2, metric_points: 1, logs: 1, quarantined: 0 });
    const bobVisit = { visitors: [], sessions: [bob.session], traceId: bob.traceId };
    expect(await rowsNaming(app, bobVisit)).toEqual({ events: 0, otel_traces: 0, otel_logs: 0, metric_points: 0, visits_per_hour: 0 });
    expect(await countOf(app, `SELECT count() AS n FROM events WHERE session_id = '${bob.beaconOnlySession}'`)).toBe(1);
  });
});
