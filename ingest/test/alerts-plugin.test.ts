// The service's alert loop on the embedded engine: a site with nine days of steady traffic (seeded
// straight into the events table: the beacon route rightly refuses events older than a day) goes
// silent; "tracking broken" fires at the minute the rule promises and is posted to the webhook
// once; a restart on the same data neither forgets it nor posts it again; when events come back it
// is resolved and a resolve message is posted once; a webhook that fails twice gets the message on
// the third try. /api/alerts lists what is stored.
//
// Test doubles: the clock is injected (the plugin's `now`) and the timers are Vitest's fake
// timers, so a minute passes at once; the webhook is a local HTTP server standing for the owner's.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { alertsPlugin } from '../src/plugins/alerts.js';
import clickhousePlugin from '../src/plugins/clickhouse.js';
import { freshDataDir, testApp } from './support/test-app.js';

const MINUTE = 60_000;
const SETTLE_MS = 5000;
const SITE = 'portfolio';
/** Monday 2 November 2026, 12:00 UTC: the first minute judged is 12:01. */
const START = Date.UTC(2026, 10, 2, 12, 0);
const START_MINUTE = START / MINUTE;
/** Events stop at 12:02 (none accepted in that minute or after). */
const SILENT_FROM = START_MINUTE + 2;

interface Received {
  status: string;
  alerts: Array<{ status: string; labels: Record<string, string>; startsAt: string; endsAt: string; generatorURL: string }>;
}

describe('the alert loop', () => {
  const dataDir = freshDataDir();
  let webhook: Server;
  let webhookUrl: string;
  const received: Received[] = [];
  /** Statuses the webhook answers with, in turn; 200 once they run out. */
  const answers: number[] = [];
  let clock = START + SETTLE_MS;
  let app: FastifyInstance | undefined;

  async function startService(): Promise<FastifyInstance> {
    const service = Fastify({ logger: false });
    await service.register(clickhousePlugin, { url: undefined, dataDir });
    await service.register(alertsPlugin, { webhookUrl, now: () => clock, settleMs: SETTLE_MS, webhookPauseMs: 0 });
    await service.ready();
    return service;
  }

  async function queryRows<Row>(service: FastifyInstance, query: string): Promise<Row[]> {
    return (await service.clickhouse.query({ query, format: 'JSONEachRow' })).json<Row>();
  }

  /** Seeds `perMinute` events in each minute of [from, to), 2 s apart, accepted then. */
  async function seed(service: FastifyInstance, from: number, to: number, perMinute: number): Promise<void> {
    await service.clickhouse.command({
      query: `INSERT INTO events (site, type, ts, event_id, source, received_at)
              SELECT {site:String}, 'page_view', t, generateUUIDv4(), 'beacon', t
              FROM (SELECT fromUnixTimestamp64Milli(toInt64({from:Int64} * 60000 + intDiv(number, {per:UInt32}) * 60000 + (number % {per:UInt32}) * 2000)) AS t
                    FROM numbers({count:UInt64}))`,
      query_params: { site: SITE, from, per: perMinute, count: (to - from) * perMinute },
    });
  }

  /** One minute passes: the clock and the timers move together, then the evaluation is awaited. */
  async function minutePasses(service: FastifyInstance): Promise<void> {
    clock += MINUTE;
    await vi.advanceTimersByTimeAsync(MINUTE);
    const expected = Math.floor((clock - SETTLE_MS) / MINUTE);
    while (service.alerts.evaluatedAt !== expected) await new Promise((resolve) => setImmediate(resolve));
    await webhookDone(service);
  }

  /**
   * Lets the webhook's tries run out. Their pauses are 0 here and run without moving the fake
   * time, so the next minute's evaluation comes only when the test moves it.
   */
  async function webhookDone(service: FastifyInstance): Promise<void> {
    while (service.alerts.posting) {
      await vi.advanceTimersByTimeAsync(0);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  beforeAll(async () => {
    webhook = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        const status = answers.shift() ?? 200;
        if (status === 200) received.push(JSON.parse(body) as Received);
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    app = await startService();
    // Nine days of 30 events a minute, up to the silence.
    await seed(app, START_MINUTE - 9 * 1440, SILENT_FROM, 30);
  }, 120_000);

  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await new Promise((resolve) => webhook.close(resolve));
  });

  it('fires "tracking broken" 10 minutes into the silence, posted once', async () => {
    const service = app!;
    // 7 silent minutes make the rule's window empty, then it must hold 3 minutes more.
    for (let minute = START_MINUTE + 1; minute < SILENT_FROM + 10; minute++) await minutePasses(service);
    expect(service.alerts.evaluatedAt).toBe(SILENT_FROM + 9);
    expect(received).toEqual([]);
    await minutePasses(service);
    expect(received).toHaveLength(1);
    expect(received[0]!.status).toBe('firing');
    expect(received[0]!.alerts[0]).toMatchObject({
      status: 'firing',
      labels: { rule_uid: 'footfall-tracking-broken', site: SITE },
      startsAt: new Date((SILENT_FROM + 10) * MINUTE).toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: `/?site=${SITE}&range=custom&from=2026-11-02&to=2026-11-02`,
    });
    // Two more minutes still firing: nothing new is posted.
    await minutePasses(service);
    await minutePasses(service);
    expect(received).toHaveLength(1);
    const rows = await queryRows<{ rule: string; resolved_at: string | null; notified: string }>(
      service,
      'SELECT rule, resolved_at, notified FROM alerts FINAL',
    );
    expect(rows).toEqual([{ rule: 'footfall-tracking-broken', resolved_at: null, notified: 'firing' }]);
  });

  it('does not post it again after a restart, and resolves it once when events come back', async () => {
    await app!.close();
    app = await startService();
    const service = app;
    await minutePasses(service);
    await minutePasses(service);
    expect(received).toHaveLength(1);
    // Events come back from the minute now under way; the first minute judged after it resolves.
    const back = Math.floor((clock - SETTLE_MS) / MINUTE);
    await seed(service, back, back + 3, 30);
    // The webhook fails twice: the third try delivers the resolve message.
    answers.push(500, 503);
    clock += MINUTE;
    await vi.advanceTimersByTimeAsync(MINUTE);
    while (service.alerts.evaluatedAt !== back + 1) await new Promise((resolve) => setImmediate(resolve));
    await webhookDone(service);
    expect(answers).toEqual([]);
    expect(received).toHaveLength(2);
    expect(received[1]!.alerts[0]).toMatchObject({
      status: 'resolved',
      labels: { rule_uid: 'footfall-tracking-broken' },
      startsAt: new Date((SILENT_FROM + 10) * MINUTE).toISOString(),
      endsAt: new Date((back + 1) * MINUTE).toISOString(),
    });
    await minutePasses(service);
    expect(received).toHaveLength(2);
    const rows = await queryRows<{ resolved_at: string | null; notified: string }>(
      service,
      'SELECT resolved_at, notified FROM alerts FINAL',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.notified).toBe('resolved');
    expect(rows[0]!.resolved_at).not.toBeNull();
  });

  it('lists the stored alert on /api/alerts, linking to the page on its day', async () => {
    await app!.close();
    app = undefined;
    vi.useRealTimers();
    const service = await testApp({ dataDir, alertsEnabled: false });
    try {
      const response = await service.inject({ method: 'GET', url: `/api/alerts?site=${SITE}&days=90` });
      expect(response.statusCode).toBe(200);
      const body = response.json() as { firing: unknown[]; recent: Array<Record<string, unknown>> };
      expect(body.firing).toEqual([]);
      expect(body.recent).toHaveLength(1);
      expect(body.recent[0]).toMatchObject({
        rule: 'footfall-tracking-broken',
        title: 'Traffic collapsed to zero',
        site: SITE,
        status: 'resolved',
        startedAt: new Date((SILENT_FROM + 10) * MINUTE).toISOString(),
        link: `/?site=${SITE}&range=custom&from=2026-11-02&to=2026-11-02`,
      });
      const unknown = await service.inject({ method: 'GET', url: '/api/alerts?site=nope' });
      expect(unknown.statusCode).toBe(404);
      const bad = await service.inject({ method: 'GET', url: '/api/alerts?days=0' });
      expect(bad.statusCode).toBe(400);
    } finally {
      await service.close();
    }
  });
});
