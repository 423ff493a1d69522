// One visitor, one id, on every replica: two salt stores racing for the first salt of a day end
// with the same salt, N days in a row, on a cluster's KeeperMap (one server: salt-across-restart.test.ts).
//
// The cluster's table runs here for real: the embedded engine is started with ClickHouse's own
// in-memory Keeper (`testkeeper`, a configuration of the engine, not a double), so the KeeperMap is
// the one the cluster schema creates, minus `ON CLUSTER` (there are no other servers to reach).
// Before the store inserted with keeper_map_strict_mode, a KeeperMap took the second offer over
// the first, and a store that had read back its own salt kept it while the other read the second.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { clusterStatements } from '../src/clickhouse/cluster-schema.js';
import { MIGRATIONS_DIR } from '../src/clickhouse/migrate.js';
import { DailySalts, dayOf, isRefusedOffer } from '../src/events/daily-salts.js';
import { VisitorIds } from '../src/events/visitor-id.js';
import { onThisServer, startEngineWithKeeper } from './support/keeper-engine.js';
import { BROWSER_UA, freshDataDir } from './support/test-app.js';

const RACES = 40;
const DAY_MS = 86_400_000;
const CLUSTER = 'footfall';

/** Two stores, each on a connection of its own to one engine, so their queries run at once. */
interface Engine {
  clients: [ClickHouseClient, ClickHouseClient];
  stores: [DailySalts, DailySalts];
}

async function twoStores(dataDir: string): Promise<Engine> {
  const clients: [ClickHouseClient, ClickHouseClient] = [
    await createClickHouse({ url: undefined, dataDir }),
    await createClickHouse({ url: undefined, dataDir }),
  ];
  return { clients, stores: [new DailySalts(clients[0]), new DailySalts(clients[1])] };
}

/** N days, each raced for by both stores offering different salts: the salts each store ends with. */
async function race(engine: Engine, firstDay: number): Promise<Array<[string, string]>> {
  const outcomes: Array<[string, string]> = [];
  for (let day = firstDay; day < firstDay + RACES; day++) {
    const [one, other] = await Promise.all(engine.stores.map((store) => store.saltOf(day, randomBytes(32))));
    outcomes.push([one!.toString('hex'), other!.toString('hex')]);
  }
  return outcomes;
}

async function storedSalts(client: ClickHouseClient, firstDay: number): Promise<number> {
  const result = await client.query({
    query: 'SELECT count() AS n FROM visitor_salts WHERE day >= {day:Date}',
    query_params: { day: new Date(firstDay * DAY_MS).toISOString().slice(0, 10) },
    format: 'JSONEachRow',
  });
  return Number((await result.json<{ n: string }>())[0]!.n);
}

describe('the salt store on a cluster’s KeeperMap (the embedded engine with ClickHouse’s in-memory Keeper)', () => {
  let engine: Engine;
  // Days to come, so the table's rows are all the test's.
  const firstDay = dayOf(Date.now()) + 10;

  beforeAll(async () => {
    const dataDir = freshDataDir();
    startEngineWithKeeper(dataDir);
    engine = await twoStores(dataDir);
    const [create] = clusterStatements(readFileSync(join(MIGRATIONS_DIR, '0025_create_visitor_salts.sql'), 'utf8'), CLUSTER);
    expect(create).toMatch(/ENGINE = KeeperMap\('\/footfall\/visitor_salts'\) PRIMARY KEY day$/);
    await engine.clients[0].command({ query: onThisServer(create!, CLUSTER) });
  });

  afterAll(async () => {
    for (const client of engine?.clients ?? []) await client.close();
  });

  it('refuses a second offer for a day with the error the store knows as "another replica won"', async () => {
    const day = new Date((firstDay - 1) * DAY_MS).toISOString().slice(0, 10);
    const offer = (salt: string) =>
      engine.clients[0].insert({
        table: 'visitor_salts',
        values: [{ day, salt }],
        format: 'JSONEachRow',
        clickhouse_settings: { keeper_map_strict_mode: 1 },
      });
    await offer('aa');
    const refused = await offer('bb').then(
      () => undefined,
      (error: unknown) => error,
    );
    // What the engine answers: code 999, KEEPER_EXCEPTION, "Transaction failed (Node exists)".
    expect(refused).toMatchObject({ code: '999', type: 'KEEPER_EXCEPTION', message: expect.stringMatching(/Node exists/) });
    expect(isRefusedOffer(refused)).toBe(true);
    // Anything else (ClickHouse away, a table missing) is no refusal.
    expect(isRefusedOffer(Object.assign(new Error('Connection refused'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isRefusedOffer({ code: '60', type: 'UNKNOWN_TABLE', message: 'Table default.visitor_salts does not exist' })).toBe(false);
  });

  it(`gives both stores the first salt stored, ${RACES} days raced in a row`, async () => {
    const outcomes = await race(engine, firstDay);
    expect(outcomes.filter(([one, other]) => one !== other)).toEqual([]);
    expect(await storedSalts(engine.clients[0], firstDay)).toBe(RACES);
    // A store asked later (a replica started that day) reads the same, and one visitor has one id.
    const day = firstDay + 3;
    const later = await new DailySalts(engine.clients[1]).saltOf(day, randomBytes(32));
    expect(later.toString('hex')).toBe(outcomes[3]![0]);
    const now = () => day * DAY_MS + 3_600_000;
    const ids = [new VisitorIds(now, engine.stores[0]), new VisitorIds(now, engine.stores[1])];
    for (const one of ids) await one.refresh();
    expect(ids[0]!.idOf('portfolio', '203.0.113.7', BROWSER_UA)).toBe(ids[1]!.idOf('portfolio', '203.0.113.7', BROWSER_UA));
  });
});
