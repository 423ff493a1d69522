// Work done once with two replicas: two service instances in one process share one embedded engine
// (as the replicas of a cluster share one ClickHouse), each with its own REPLICA_ID and with the
// alert evaluation and the weekly digest on. A site with nine days of steady traffic goes silent on
// a Monday morning: the week's digest is posted once and "tracking broken" is stored and posted
// once, by the replica holding each lease, while the other leaves each minute to it. When the
// alerts' owner closes, it gives its lease up and the other takes the evaluation over from what is
// stored: it posts the resolve once, and not the firing again.
//
// Test doubles: the clock is injected (the plugins' and leases' `now`) and the timers are Vitest's
// fake timers, so a minute passes at once; the webhook is a local HTTP server standing for the owner's.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCatalog } from '../src/catalog/catalog.js';
import { createClickHouse } from '../src/clickhouse/client.js';
import { migrate } from '../src/clickhouse/migrate.js';
import { alertsPlugin } from '../src/plugins/alerts.js';
import { digestPlugin } from '../src/plugins/digest.js';
import { freshDataDir } from './support/test-app.js';

const MINUTE = 60_000;
const SETTLE_MS = 5000;
const SITE = 'portfolio';
/** A zone at UTC-4 all year: its Monday 08:00 is 12:00 UTC. */
const ZONE = 'America/Santo_Domingo';
/** Monday 2 November 2026, 12:00 UTC: the week 2026-W44's digest is due, and the first minute judged is 12:01. */
const START = Date.UTC(2026, 10, 2, 12, 0);
const START_MINUTE = START / MINUTE;
/** Events stop at 12:02. */
const SILENT_FROM = START_MINUTE + 2;

interface Posted {
  kind?: string;
  week?: string;
  status?: string;
  alerts?: Array<{ status: string; labels: Record<string, string> }>;
}

describe('work done once, with two replicas on one engine', () => {
  let client: ClickHouseClient;
  let webhook: Server;
  let webhookUrl: string;
  const posted: Posted[] = [];
  let clock = START + SETTLE_MS;
  const replicas = new Map<string, FastifyInstance>();
  const digests = () => posted.filter((message) => message.kind === 'digest');
  const alerts = () => posted.filter((message) => message.alerts !== undefined);

  /** Each replica reads the one engine; the client is the test's, closed once both replicas are. */
  const sharedEngine = fp(
    async (app) => {
      app.decorate('clickhouse', client);
    },
    { name: 'footfall-clickhouse' },
  );

  async function startReplica(replicaId: string, catalogFile: string): Promise<FastifyInstance> {
    const app = Fastify({ logger: false });
    await app.register(sharedEngine);
    app.decorate('catalog', loadCatalog(catalogFile));
    const common = { webhookUrl, now: () => clock, webhookPauseMs: 0, replicaId };
    await app.register(alertsPlugin, { ...common, settleMs: SETTLE_MS });
    await app.register(digestPlugin, { ...common, mail: undefined });
    await app.ready();
    return app;
  }

  /** One minute passes for both replicas: each has run its round (judged the minute or left it to the owner). */
  async function minutePasses(): Promise<void> {
    clock += MINUTE;
    await vi.advanceTimersByTimeAsync(MINUTE);
    const judged = Math.floor((clock - SETTLE_MS) / MINUTE);
    for (const app of replicas.values()) {
      while (app.alerts.evaluatedAt !== judged && app.alerts.leftAt !== judged) await new Promise((resolve) => setImmediate(resolve));
      while (app.digests.checkedAt !== clock) await new Promise((resolve) => setImmediate(resolve));
    }
    for (const app of replicas.values()) {
      while (app.alerts.posting) {
        await vi.advanceTimersByTimeAsync(0);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  async function seed(from: number, to: number, perMinute: number): Promise<void> {
    await client.command({
      query: `INSERT INTO events (site, type, ts, event_id, source, received_at)
              SELECT {site:String}, 'page_view', t, generateUUIDv4(), 'beacon', t
              FROM (SELECT fromUnixTimestamp64Milli(toInt64({from:Int64} * 60000 + intDiv(number, {per:UInt32}) * 60000 + (number % {per:UInt32}) * 2000)) AS t
                    FROM numbers({count:UInt64}))`,
      query_params: { site: SITE, from, per: perMinute, count: (to - from) * perMinute },
    });
  }

  async function count(query: string): Promise<number> {
    const rows = await (await client.query({ query, format: 'JSONEachRow' })).json<{ n: number | string }>();
    return Number(rows[0]!.n);
  }

  beforeAll(async () => {
    client = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
    await migrate(client);
    const catalogFile = join(mkdtempSync(join(tmpdir(), 'footfall-single-owner-')), 'catalog.json');
    writeFileSync(
      catalogFile,
      JSON.stringify({ sites: [{ id: SITE, origins: ['https://portfolio.example.com'], timezone: ZONE }], eventTypes: ['page_view'] }),
    );
    webhook = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        posted.push(JSON.parse(body) as Posted);
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
    // Nine days of 30 events a minute, up to the silence.
    await seed(START_MINUTE - 9 * 1440, SILENT_FROM, 30);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    for (const replicaId of ['replica-a', 'replica-b']) replicas.set(replicaId, await startReplica(replicaId, catalogFile));
  }, 120_000);

  afterAll(async () => {
    vi.useRealTimers();
    for (const app of replicas.values()) await app.close();
    await client?.close();
    await new Promise((resolve) => webhook.close(resolve));
  });

  it('posts the week’s digest once and stores and posts "tracking broken" once, each by one replica', async () => {
    // The digest is due at once; "tracking broken" fires 10 minutes into the silence.
    for (let minute = START_MINUTE + 1; minute <= SILENT_FROM + 10; minute++) await minutePasses();
    expect(digests()).toHaveLength(1);
    expect(digests()[0]!.week).toBe('2026-W44');
    expect(await count('SELECT count() AS n FROM digests_sent')).toBe(1);
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]!.alerts![0]).toMatchObject({ status: 'firing', labels: { rule_uid: 'footfall-tracking-broken', site: SITE } });
    // One replica's writes: the alert stored when it fired, and again when the webhook took it.
    expect(await count('SELECT count() AS n FROM alerts')).toBe(2);
    // Each minute was judged by one replica and left to it by the other.
    const judging = [...replicas.values()].filter((app) => app.alerts.evaluatedAt === SILENT_FROM + 10);
    const leaving = [...replicas.values()].filter((app) => app.alerts.leftAt === SILENT_FROM + 10);
    expect([judging.length, leaving.length]).toEqual([1, 1]);
    expect(judging[0]!.alerts.leftAt).toBeUndefined();
    // Minutes later, nothing more is posted.
    await minutePasses();
    await minutePasses();
    expect(posted).toHaveLength(2);
  });

  it('hands the evaluation over when its owner closes: the other resolves the alert once and does not post its firing again', async () => {
    const [ownerId, owner] = [...replicas].find(([, app]) => app.alerts.leftAt === undefined)!;
    await owner.close();
    replicas.delete(ownerId);
    const [next] = [...replicas.values()];
    const back = Math.floor((clock - SETTLE_MS) / MINUTE) + 1;
    // The next minute the other replica holds the lease (given up, not waited for) and judges from what is stored.
    await minutePasses();
    expect(next!.alerts.evaluatedAt).toBe(back);
    expect(alerts()).toHaveLength(1);
    // Events come back: the first minute judged after it resolves, posted once.
    await seed(back, back + 3, 30);
    await minutePasses();
    expect(alerts()).toHaveLength(2);
    expect(alerts()[1]!.alerts![0]).toMatchObject({ status: 'resolved', labels: { rule_uid: 'footfall-tracking-broken' } });
    await minutePasses();
    expect(alerts()).toHaveLength(2);
    expect(digests()).toHaveLength(1);
    const rows = await (await client.query({ query: 'SELECT notified FROM alerts FINAL', format: 'JSONEachRow' })).json();
    expect(rows).toEqual([{ notified: 'resolved' }]);
  });
});
