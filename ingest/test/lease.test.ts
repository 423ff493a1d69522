// The lease of work done once (src/lease/), on one embedded engine that several owners share (as
// the replicas of a cluster share one ClickHouse): of owners racing for a free lease exactly one
// wins; the owner renews it and others are refused until it expires; then the next takes it with
// the next generation and the former owner is refused; a release frees it at once. Retention, set
// by replicas starting together, is set by the one holding its lease.
//
// Test double: the clock is injected (the lease's `now`), so an expiry passes at once.
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { migrate } from '../src/clickhouse/migrate.js';
import { applyRetention, RETENTION_TABLES } from '../src/clickhouse/retention.js';
import { leaseFor, SoleOwner } from '../src/lease/lease.js';
import { freshDataDir } from './support/test-app.js';

const TTL_MS = 150_000;

describe('the lease', () => {
  let client: ClickHouseClient;
  let clock = Date.UTC(2026, 10, 2, 12);
  const now = () => clock;
  const owner = (replicaId: string, task: string) => leaseFor(client, task, { replicaId, now, ttlMs: TTL_MS });

  beforeAll(async () => {
    client = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
    await migrate(client);
  }, 120_000);

  afterAll(async () => {
    await client.close();
  });

  it('is the process’s own without a replica id', async () => {
    const lease = leaseFor(client, 'alerts', { replicaId: '' });
    expect(lease).toBeInstanceOf(SoleOwner);
    expect(await lease.hold()).toBe(true);
  });

  it('goes to exactly one of the owners that race for it, in every one of 10 races', async () => {
    for (let race = 0; race < 10; race++) {
      const owners = ['a', 'b', 'c'].map((replica) => owner(replica, `race-${race}`));
      const held = await Promise.all(owners.map((lease) => lease.hold()));
      expect(held.filter(Boolean), `race ${race}`).toHaveLength(1);
      expect(owners.map((lease) => lease.generation).filter((generation) => generation !== undefined)).toEqual([1]);
    }
  });

  it('stays its owner’s, renewed, until it expires; then the next owner takes it and the former is refused', async () => {
    const a = owner('a', 'digest');
    const b = owner('b', 'digest');
    expect(await a.hold()).toBe(true);
    expect(await b.hold()).toBe(false);
    clock += 60_000;
    // Renewed: a new generation, expiring a full term from now.
    expect(await a.hold()).toBe(true);
    expect(a.generation).toBe(2);
    clock += TTL_MS - 1;
    expect(await b.hold()).toBe(false);
    // `a` stops renewing (it died); one term after its last renewal the lease is free.
    clock += 1;
    expect(await b.hold()).toBe(true);
    expect(b.generation).toBe(3);
    expect(await a.hold()).toBe(false);
    expect(a.generation).toBeUndefined();
  });

  it('is free at once when its owner gives it up', async () => {
    const a = owner('a', 'retention');
    const b = owner('b', 'retention');
    expect(await a.hold()).toBe(true);
    expect(await b.hold()).toBe(false);
    await a.release();
    expect(await b.hold()).toBe(true);
    expect(await a.hold()).toBe(false);
  });

  it('lets one of two replicas starting together set the retention, and the other after it', async () => {
    const shorter = { eventsDays: 10, tracesDays: 3, metricsDays: 20, rollupsDays: 40 };
    const longer = { eventsDays: 11, tracesDays: 4, metricsDays: 21, rollupsDays: 41 };
    const applied = await Promise.all([
      applyRetention(client, shorter, undefined, owner('a', 'retention-start')),
      applyRetention(client, longer, undefined, owner('b', 'retention-start')),
    ]);
    // One changed every table; the other left the TTLs to it.
    expect(applied.map((tables) => tables.length).sort((x, y) => x - y)).toEqual([0, RETENTION_TABLES.length]);
    // Its lease given up, the next start sets its own at once.
    const later = applied[0]!.length === 0 ? shorter : longer;
    expect(await applyRetention(client, later, undefined, owner('c', 'retention-start'))).toHaveLength(RETENTION_TABLES.length);
  });

  it('keeps the newest 100 generations below the one held, deleted every 100 renewals', async () => {
    const a = owner('a', 'long');
    for (let round = 0; round < 200; round++) expect(await a.hold()).toBe(true);
    const result = await client.query({
      query: "SELECT count() AS rows, max(generation) AS newest FROM leases WHERE task = 'long'",
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ rows: number | string; newest: number | string }>();
    expect([Number(row!.rows), Number(row!.newest)]).toEqual([101, 200]);
  });
});
