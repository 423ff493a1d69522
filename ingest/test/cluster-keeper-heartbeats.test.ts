// The replicas' heartbeats on a cluster (pipeline/replica-heartbeats.ts): `replica_heartbeats` is
// the cluster schema's KeeperMap keyed by instance, so every replica reads the others' last beats
// from Keeper at once. A beat replaces its instance's last one; a replica that stopped with
// everything stored says so; one that stops beating is no longer waited for. Run on the embedded
// engine with ClickHouse's in-memory Keeper (support/keeper-engine.ts), the statement without
// `ON CLUSTER`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { clusterStatements } from '../src/clickhouse/cluster-schema.js';
import { MIGRATIONS_DIR } from '../src/clickhouse/migrate.js';
import { END_OF_TIME, ReplicaHeartbeats } from '../src/pipeline/replica-heartbeats.js';
import { onThisServer, startEngineWithKeeper } from './support/keeper-engine.js';
import { freshDataDir } from './support/test-app.js';

const CLUSTER = 'footfall';
const INTERVAL_MS = 100;
const LIVE_MS = 600;

describe('the replicas’ heartbeats in a cluster’s KeeperMap', () => {
  const clients: ClickHouseClient[] = [];

  beforeAll(async () => {
    const dataDir = freshDataDir();
    startEngineWithKeeper(dataDir);
    for (let index = 0; index < 2; index++) clients.push(await createClickHouse({ url: undefined, dataDir }));
    const [create] = clusterStatements(readFileSync(join(MIGRATIONS_DIR, '0068_create_replica_heartbeats.sql'), 'utf8'), CLUSTER);
    expect(create).toMatch(/ENGINE = KeeperMap\('\/footfall\/replica_heartbeats'\) PRIMARY KEY instance$/);
    await clients[0]!.command({ query: onThisServer(create!, CLUSTER) });
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
  });

  it('shows each replica the others’ last beats, one row per instance, until one stops', async () => {
    // Moments past: a beat never says more than its own time.
    const stored = { a: Date.UTC(2026, 0, 1, 3), b: Date.UTC(2026, 0, 1, 2) };
    const beats = (['a', 'b'] as const).map(
      (name, index) =>
        new ReplicaHeartbeats({
          instance: `replica-${name}-instance`,
          replica: `replica-${name}`,
          client: clients[index]!,
          log: Fastify({ logger: false }).log,
          storedBefore: () => stored[name],
          intervalMs: INTERVAL_MS,
          liveMs: LIVE_MS,
        }),
    );
    const [a, b] = beats as [ReplicaHeartbeats, ReplicaHeartbeats];
    for (const heartbeats of beats) heartbeats.start();
    const seen = (heartbeats: ReplicaHeartbeats) => heartbeats.live.map(({ instance, storedBefore }) => ({ instance, storedBefore }));
    await expect.poll(() => seen(a), { timeout: 5000 }).toEqual([{ instance: 'replica-b-instance', storedBefore: stored.b }]);
    await expect.poll(() => seen(b), { timeout: 5000 }).toEqual([{ instance: 'replica-a-instance', storedBefore: stored.a }]);
    expect(a.aliveSince).toBeGreaterThan(0);

    // A newer beat replaces the last one in Keeper.
    stored.b += 1000;
    await expect.poll(() => seen(a), { timeout: 5000 }).toEqual([{ instance: 'replica-b-instance', storedBefore: stored.b }]);
    const rows = await clients[0]!.query({ query: 'SELECT instance FROM replica_heartbeats ORDER BY instance', format: 'JSONEachRow' });
    expect(await rows.json()).toEqual([{ instance: 'replica-a-instance' }, { instance: 'replica-b-instance' }]);

    // B stops with everything stored: no one waits for it, and once it is past the live bound it is gone.
    await b.stop(true);
    await expect.poll(() => seen(a), { timeout: 5000 }).toEqual([{ instance: 'replica-b-instance', storedBefore: END_OF_TIME }]);
    await expect.poll(() => seen(a), { timeout: 5000 }).toEqual([]);
    await a.stop(false);
  });
});
