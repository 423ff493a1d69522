// The lease's generation as a fencing token (src/lease/): an owner paused past its lease's expiry
// (a long garbage collection, a frozen machine) wakes up while the next owner, holding a newer
// generation, acts. Checked right before each post and each write of state, it neither posts the
// weekly digest or an alert again nor writes an alert's state over the newer owner's; the rows
// carry the generation they were written under. Without the fence (before this), the paused owner
// posted the digest a second time, posted the alert a second time, and its stale write turned a
// resolved alert back into a firing one.
//
// Test doubles: the clock (the leases' `now`) is the test's, so the pause past the 150 s expiry
// takes no time; the pause between a webhook's tries is Vitest's fake setTimeout, so the next
// owner acts inside it. The webhook is a local HTTP server standing for the owner's; ClickHouse is
// the embedded engine, shared by both owners as a cluster's replicas share ClickHouse.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AlertStore, type StoredAlert } from '../src/alerts/alert-store.js';
import { postAlert } from '../src/alerts/webhook.js';
import { loadCatalog } from '../src/catalog/catalog.js';
import { createClickHouse } from '../src/clickhouse/client.js';
import { migrate } from '../src/clickhouse/migrate.js';
import { DigestService } from '../src/digest/digest-service.js';
import { FencedOff, fence, LEASE_TTL_MS, type Lease, leaseFor, SoleOwner } from '../src/lease/lease.js';
import { freshDataDir } from './support/test-app.js';

const SITE = 'portfolio';
/** Monday 2 November 2026, 12:00 UTC: 08:00 in America/Santo_Domingo (UTC-4), when the week 2026-W44's digest is due. */
const START = Date.UTC(2026, 10, 2, 12, 0);
/** Longer than the test takes: the paused owner's wait between tries ends only when the test says so. */
const PAUSE_MS = 60_000;

interface Posted {
  kind?: string;
  alerts?: Array<{ status: string }>;
}

describe('the lease’s generation as a fencing token', () => {
  let client: ClickHouseClient;
  let webhook: Server;
  let webhookUrl: string;
  let clock = START;
  /** Every request the webhook took, in order, and how many of the next it answers 500. */
  const requests: Array<{ status: number; body: Posted }> = [];
  let refuseNext = 0;
  const logged: string[] = [];
  const log = { info: (_: object, m: string) => logged.push(m), warn: (_: object, m: string) => logged.push(m), error: () => undefined };

  const owner = (replicaId: string, task: string): Lease => leaseFor(client, task, { replicaId, now: () => clock });

  /** Until the webhook took `n` requests; setImmediate, which the fake timers leave alone. */
  async function requestsReach(n: number): Promise<void> {
    while (requests.length < n) await new Promise((resolve) => setImmediate(resolve));
  }

  async function rows<Row>(query: string): Promise<Row[]> {
    return (await client.query({ query, format: 'JSONEachRow' })).json<Row>();
  }

  beforeAll(async () => {
    client = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
    await migrate(client);
    webhook = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        const status = refuseNext > 0 ? 500 : 200;
        if (refuseNext > 0) refuseNext--;
        requests.push({ status, body: JSON.parse(body) as Posted });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
  }, 120_000);

  afterEach(() => {
    vi.useRealTimers();
    requests.length = 0;
    refuseNext = 0;
  });

  afterAll(async () => {
    await client?.close();
    await new Promise((resolve) => webhook.close(resolve));
  });

  it('is current for its owner until another takes a newer generation, and always for the process alone', async () => {
    const a = owner('replica-a', 'fence-check');
    const b = owner('replica-b', 'fence-check');
    expect(await a.isCurrent()).toBe(false);
    expect(await a.hold()).toBe(true);
    expect(await a.isCurrent()).toBe(true);
    // Its own renewal keeps it current; the other, refused, is not.
    expect(await a.hold()).toBe(true);
    expect(await b.hold()).toBe(false);
    expect([await a.isCurrent(), await b.isCurrent()]).toEqual([true, false]);
    clock += LEASE_TTL_MS;
    // Expired, and no one took it yet: nothing newer, no one else acts.
    expect(await a.isCurrent()).toBe(true);
    expect(await b.hold()).toBe(true);
    expect([a.generation, b.generation]).toEqual([2, 3]);
    expect([await a.isCurrent(), await b.isCurrent()]).toEqual([false, true]);
    await expect(fence(a, 'fence-check')).rejects.toThrow(FencedOff);
    await expect(fence(a, 'fence-check')).rejects.toThrow(/the fence-check lease's generation 2 is no longer the newest/);
    expect(await new SoleOwner().isCurrent()).toBe(true);
  });

  it('keeps an owner paused between the digest webhook’s tries from posting once the next owner holds the lease', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'footfall-fencing-'));
    const catalogFile = join(dir, 'catalog.json');
    writeFileSync(
      catalogFile,
      JSON.stringify({
        sites: [{ id: SITE, origins: ['https://portfolio.example.com'], timezone: 'America/Santo_Domingo' }],
        eventTypes: ['page_view'],
      }),
    );
    const catalog = loadCatalog(catalogFile);
    const digests = (replicaId: string) =>
      new DigestService(client, () => catalog.sites.values(), {
        webhookUrl,
        mail: undefined,
        webhookPauseMs: PAUSE_MS,
        log,
        lease: owner(replicaId, 'digest'),
      });
    const [a, b] = [digests('replica-a'), digests('replica-b')];
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    // `a` holds the lease (generation 1) and posts; the webhook refuses the first try, and `a`
    // waits before the next: paused, as the clock jumps past its lease's expiry.
    refuseNext = 1;
    const paused = a.round(clock);
    await requestsReach(1);
    clock += LEASE_TTL_MS + 60_000;
    // The next owner's round: the lease is free, it takes generation 2, posts and records the digest.
    await b.round(clock);
    expect(requests.map((request) => request.status)).toEqual([500, 200]);
    // `a` wakes up for its next try: fenced off, it posts nothing and records nothing.
    await vi.advanceTimersByTimeAsync(PAUSE_MS);
    await paused;
    expect(requests.map((request) => [request.status, request.body.kind])).toEqual([
      [500, 'digest'],
      [200, 'digest'],
    ]);
    expect(await rows('SELECT channel, generation FROM digests_sent')).toEqual([{ channel: 'webhook', generation: 2 }]);
    expect(logged).toContain('the weekly digest is left to the newer owner of its lease');
  });

  it('keeps an owner paused between an alert’s tries from posting, and from writing its stale state over the next owner’s', async () => {
    const [leaseA, leaseB] = [owner('replica-a', 'alerts'), owner('replica-b', 'alerts')];
    const [storeA, storeB] = [new AlertStore(client, leaseA), new AlertStore(client, leaseB)];
    const firing: StoredAlert = {
      rule: 'footfall-tracking-broken',
      site: SITE,
      startedAt: clock - 600_000,
      resolvedAt: undefined,
      observed: 0,
      expected: 30,
      notified: '',
    };
    expect(await leaseA.hold()).toBe(true);
    await storeA.save(firing);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    // `a` posts the firing; the webhook refuses the first try, and `a` is paused between tries.
    refuseNext = 1;
    const posting = postAlert(firing, { url: webhookUrl, firstPauseMs: PAUSE_MS, fence: () => fence(leaseA, 'alerts') });
    await requestsReach(1);
    clock += LEASE_TTL_MS + 60_000;
    // The next owner judges from what is stored: it posts the firing, then, traffic back, the resolve.
    expect(await leaseB.hold()).toBe(true);
    await postAlert(firing, { url: webhookUrl, fence: () => fence(leaseB, 'alerts') });
    await storeB.save({ ...firing, notified: 'firing' });
    const resolved = { ...firing, resolvedAt: clock, notified: 'resolved' as const };
    await postAlert(resolved, { url: webhookUrl, fence: () => fence(leaseB, 'alerts') });
    await storeB.save(resolved);

    // `a` wakes up: its next try is fenced off, and so is the write of what it believes.
    await vi.advanceTimersByTimeAsync(PAUSE_MS);
    await expect(posting).rejects.toThrow(FencedOff);
    vi.useRealTimers();
    await expect(storeA.save({ ...firing, notified: 'firing' })).rejects.toThrow(FencedOff);
    expect(requests.map((request) => [request.status, request.body.alerts?.[0]?.status])).toEqual([
      [500, 'firing'],
      [200, 'firing'],
      [200, 'resolved'],
    ]);
    // The stored state is the newer owner's: resolved, not firing again; each row under its generation.
    expect(await rows('SELECT notified, generation FROM alerts FINAL')).toEqual([{ notified: 'resolved', generation: 2 }]);
    expect(await rows('SELECT notified, generation FROM alerts ORDER BY version, notified')).toEqual([
      { notified: '', generation: 1 },
      { notified: 'firing', generation: 2 },
      { notified: 'resolved', generation: 2 },
    ]);
  });
});
