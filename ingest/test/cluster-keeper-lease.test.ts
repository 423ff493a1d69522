// The lease on a cluster (src/lease/): the `leases` table is the cluster schema's KeeperMap keyed by
// slot, and keeper_map_strict_mode refuses the second insert of a generation, so of owners racing
// for it exactly one holds it; renewal, expiry, the fence and the deletion of old generations work
// on it as on one server. Run on the embedded engine with ClickHouse's in-memory Keeper
// (support/keeper-engine.ts), the statement without `ON CLUSTER`.
//
// Test double: the clock is injected (the lease's `now`), so an expiry passes at once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { clusterStatements } from '../src/clickhouse/cluster-schema.js';
import { MIGRATIONS_DIR } from '../src/clickhouse/migrate.js';
import { LEASE_TTL_MS, leaseFor } from '../src/lease/lease.js';
import { onThisServer, startEngineWithKeeper } from './support/keeper-engine.js';
import { freshDataDir } from './support/test-app.js';

const CLUSTER = 'footfall';

describe('the lease in a cluster’s KeeperMap', () => {
  /** One connection per owner to one engine, so their inserts race as replicas' would. */
  const clients: ClickHouseClient[] = [];
  let clock = Date.UTC(2026, 10, 2, 12);
  const owner = (index: number, task: string) => leaseFor(clients[index]!, task, { replicaId: `replica-${index}`, now: () => clock });

  beforeAll(async () => {
    const dataDir = freshDataDir();
    startEngineWithKeeper(dataDir);
    for (let index = 0; index < 3; index++) clients.push(await createClickHouse({ url: undefined, dataDir }));
    const [create] = clusterStatements(readFileSync(join(MIGRATIONS_DIR, '0058_create_leases.sql'), 'utf8'), CLUSTER);
    expect(create).toMatch(/ENGINE = KeeperMap\('\/footfall\/leases'\) PRIMARY KEY slot$/);
    await clients[0]!.command({ query: onThisServer(create!, CLUSTER) });
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
  });

  it('goes to exactly one of three owners racing for it, in every one of 20 races', async () => {
    for (let race = 0; race < 20; race++) {
      const owners = [0, 1, 2].map((index) => owner(index, `race-${race}`));
      const held = await Promise.all(owners.map((lease) => lease.hold()));
      expect(held.filter(Boolean), `race ${race}`).toHaveLength(1);
      expect(owners.map((lease) => lease.generation).filter((generation) => generation !== undefined)).toEqual([1]);
    }
  });

  it('is renewed by its owner, taken by the next after the expiry, and fences the former owner off', async () => {
    const [a, b] = [owner(0, 'alerts'), owner(1, 'alerts')];
    expect(await a.hold()).toBe(true);
    expect(await b.hold()).toBe(false);
    clock += 60_000;
    expect(await a.hold()).toBe(true);
    expect(a.generation).toBe(2);
    clock += LEASE_TTL_MS;
    expect(await b.hold()).toBe(true);
    expect(b.generation).toBe(3);
    expect([await a.isCurrent(), await b.isCurrent()]).toEqual([false, true]);
    expect(await a.hold()).toBe(false);
    await b.release();
    expect(await a.hold()).toBe(true);
  });

  it('keeps the newest 100 generations below the one held', async () => {
    const a = owner(0, 'long');
    for (let round = 0; round < 200; round++) expect(await a.hold()).toBe(true);
    const result = await clients[0]!.query({
      query: "SELECT count() AS rows, max(generation) AS newest FROM leases WHERE task = 'long'",
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([{ rows: 101, newest: 200 }]);
  });
});
