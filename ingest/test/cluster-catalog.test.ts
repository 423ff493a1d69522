// The catalog on a cluster (CLICKHOUSE_CLUSTER): its tables are replicated on every server under
// fixed Keeper paths, which the one-server replacement (a staging table swapped in with EXCHANGE
// TABLES) cannot take. Each is written as its next version in `<name>_versions`, and the query
// name is a view of the newest version (clickhouse/cluster-schema.ts, catalog/catalog-table.ts).
//
// The statements are the cluster schema's own, run on the embedded engine with two changes, both
// because no other server runs here: `ON CLUSTER` is removed, and the replicated engine is its
// plain form (a replicated table needs its servers to take an insert). What replication adds is
// that one insert, one part, reaches every server whole; the one-part insert is what runs here.
// Before this, the cluster path wrote through EXCHANGE TABLES and nothing reached the versions.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, loadCatalog } from '../src/catalog/catalog.js';
import { catalogObjectRows, writeCatalogTable } from '../src/catalog/catalog-table.js';
import { createClickHouse } from '../src/clickhouse/client.js';
import { versionsName } from '../src/clickhouse/cluster-schema.js';
import { schemaStatements } from '../src/clickhouse/migrate.js';
import { freshDataDir } from './support/test-app.js';

const CLUSTER = 'footfall';
const OBJECTS_SQL = 'SELECT site, room, object, label, position FROM catalog_objects ORDER BY position';
const GOALS_SQL = 'SELECT site, goal, target FROM catalog_goals ORDER BY site, position';

function catalogOf(objects: string[], goals: Array<{ name: string; page: string }>): Catalog {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-cluster-catalog-')), 'catalog.json');
  writeFileSync(
    file,
    JSON.stringify({
      sites: [{ id: 'shop', goals, rooms: [{ id: 'studio', objects: objects.map((id) => ({ id })) }] }],
      eventTypes: ['page_view', 'object_click'],
    }),
  );
  return loadCatalog(file);
}

describe('the catalog on a cluster', () => {
  let client: ClickHouseClient;
  const rows = async <Row = Record<string, unknown>>(query: string): Promise<Row[]> =>
    (await client.query({ query, format: 'JSONEachRow' })).json<Row>();

  beforeAll(async () => {
    client = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
    const catalogStatements = schemaStatements({ cluster: CLUSTER }).filter((statement) =>
      /^CREATE (TABLE|VIEW) IF NOT EXISTS catalog_/.test(statement),
    );
    expect(catalogStatements).toHaveLength(4);
    for (const statement of catalogStatements) {
      await client.command({
        query: statement.replace(` ON CLUSTER ${CLUSTER}`, '').replace(/ReplicatedMergeTree\('[^']*', '[^']*'\)/, 'MergeTree'),
      });
    }
  });

  afterAll(async () => {
    await client?.close();
  });

  it('reads the catalog written, replaced whole at the next write, keeping only the newest version', async () => {
    await writeCatalogTable(client, catalogOf(['guitar', 'lamp'], [{ name: 'Thanks', page: '/thanks' }]), CLUSTER);
    expect(await rows(OBJECTS_SQL)).toEqual([
      { site: 'shop', room: 'studio', object: 'guitar', label: 'guitar', position: 0 },
      { site: 'shop', room: 'studio', object: 'lamp', label: 'lamp', position: 1 },
    ]);
    expect(await rows(GOALS_SQL)).toEqual([{ site: 'shop', goal: 'Thanks', target: 'page /thanks' }]);

    // The next start, with an edited catalog and no goals left.
    expect(await writeCatalogTable(client, catalogOf(['trunk'], []), CLUSTER)).toBe(1);
    expect(await rows(OBJECTS_SQL)).toEqual([{ site: 'shop', room: 'studio', object: 'trunk', label: 'trunk', position: 0 }]);
    expect(await rows(GOALS_SQL)).toEqual([]);
    expect(await rows(`SELECT DISTINCT version FROM ${versionsName('catalog_objects')}`)).toEqual([{ version: 2 }]);
    expect(await rows(`SELECT count() AS n FROM ${versionsName('catalog_goals')}`)).toEqual([{ n: 0 }]);
  });

  it('shows one whole catalog to every read while two replicas write different ones at once, 10 times over', async () => {
    const catalogs = [catalogOf(['a1', 'a2', 'a3'], []), catalogOf(['b1', 'b2'], [])];
    const whole = catalogs.map((catalog) => JSON.stringify(catalogObjectRows(catalog).map((row) => row.object)));
    let writing = true;
    const seen: string[] = [];
    const reader = (async () => {
      while (writing) seen.push(JSON.stringify((await rows<{ object: string }>(OBJECTS_SQL)).map((row) => row.object)));
    })();
    for (let round = 0; round < 10; round++) {
      await Promise.all(catalogs.map((catalog) => writeCatalogTable(client, catalog, CLUSTER)));
    }
    writing = false;
    await reader;
    expect(seen.length).toBeGreaterThan(0);
    // Besides the former test's catalog, read before the first write here landed.
    expect(seen.filter((read) => !whole.includes(read) && read !== '["trunk"]')).toEqual([]);
    const last = JSON.stringify((await rows<{ object: string }>(OBJECTS_SQL)).map((row) => row.object));
    expect(whole).toContain(last);
  });
});
