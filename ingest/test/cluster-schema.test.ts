import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { CLUSTER_TABLES, clusterStatements, deleteFrom, localName, versionsName } from '../src/clickhouse/cluster-schema.js';
import { migrate, migrationFiles, schemaStatements } from '../src/clickhouse/migrate.js';
import { loadConfig } from '../src/config.js';
import { freshDataDir } from './support/test-app.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLUSTER = 'footfall';

/** A statement as the engine's own parser reads it, printed back in its one canonical form. */
interface Parsed {
  text: string;
  /** CREATE TABLE's table, else undefined. */
  table?: string;
  engine?: string;
  engineArgs?: string;
  orderBy?: string;
}

let client: ClickHouseClient;
let single: Parsed[];
let cluster: Parsed[];

async function parse(statement: string): Promise<Parsed> {
  const result = await client.query({
    query: 'SELECT formatQuery({statement:String}) AS text',
    query_params: { statement },
    format: 'JSONEachRow',
  });
  const text = (await result.json<{ text: string }>())[0]!.text;
  const table = text.match(/^CREATE (?:TABLE|VIEW) IF NOT EXISTS (\w+)/)?.[1];
  const engine = text.match(/\nENGINE = (\w+)(?:\((.*)\))?(?:\n|$)/);
  return { text, table, engine: engine?.[1], engineArgs: engine?.[2], orderBy: text.match(/\nORDER BY (.*)/)?.[1] };
}

function created(statements: Parsed[]): Map<string, Parsed> {
  return new Map(statements.filter((s) => s.table !== undefined).map((s) => [s.table!, s]));
}

/** The column list of a CREATE TABLE as formatted: everything between the name and the engine. */
function columnsOf(statement: Parsed): string {
  return statement.text.slice(statement.text.indexOf('('), statement.text.indexOf('\nENGINE'));
}

beforeAll(async () => {
  client = await createClickHouse({ url: undefined, dataDir: freshDataDir() });
  // Every printed statement through the parser: one that does not parse fails here, naming it.
  single = [];
  for (const statement of schemaStatements()) single.push(await parse(statement));
  cluster = [];
  for (const statement of schemaStatements({ cluster: CLUSTER })) cluster.push(await parse(statement));
});

afterAll(async () => {
  await client.close();
});

describe('the cluster schema', () => {
  it('makes every statement ON CLUSTER except the fill inserts, which go through the Distributed tables and wait for every shard', () => {
    expect(cluster.length).toBeGreaterThan(single.length);
    for (const statement of cluster) {
      if (statement.text.startsWith('INSERT INTO')) {
        expect(statement.text).toMatch(/distributed_foreground_insert = 1/);
        // The target is a query name, a Distributed table: rows reach their shards by the sharding key.
        const target = statement.text.match(/^INSERT INTO (\w+)/)![1]!;
        expect(CLUSTER_TABLES[target]?.placement).toBe('sharded');
      } else {
        expect(statement.text).toMatch(
          new RegExp(`^\\w+ (TABLE|MATERIALIZED VIEW|VIEW) (IF (NOT )?EXISTS )?\\w+ ON CLUSTER ${CLUSTER}\\b`),
        );
      }
    }
  });

  it('replicates every table: a Distributed table under each query name, over a replicated local one, with the sharding key', () => {
    const singleTables = created(single);
    const clusterTables = created(cluster);
    // Every table of the single-server schema is described (a description may run ahead of its migration).
    const described = Object.keys(CLUSTER_TABLES);
    expect([...singleTables.keys()].filter((name) => name !== 'schema_migrations' && !described.includes(name))).toEqual([]);
    expect(described).toEqual(expect.arrayContaining(['events', 'otel_traces', 'visits_per_hour', 'visitor_salts', 'catalog_objects']));

    for (const [name, plain] of singleTables) {
      const description = CLUSTER_TABLES[name] ?? { placement: 'everywhere' as const };
      const table = clusterTables.get(name)!;
      expect(table, name).toBeDefined();
      if (description.placement === 'sharded') {
        expect(table.engine, name).toBe('Distributed');
        expect(table.engineArgs, name).toBe(`'${CLUSTER}', currentDatabase(), ${localName(name)}, ${description.shardBy}`);
        const local = clusterTables.get(localName(name))!;
        const engine = description.collapseBy === undefined ? `Replicated${plain.engine}` : 'ReplicatedReplacingMergeTree';
        expect(local.engine, name).toBe(engine);
        expect(local.engineArgs, name).toMatch(
          new RegExp(`^'/clickhouse/tables/\\{shard\\}/\\{database\\}/${localName(name)}', '\\{replica\\}'`),
        );
        // The same columns, codecs and defaults as on one server.
        expect(columnsOf(local), name).toBe(columnsOf(plain));
        const plainKey = plain.orderBy!.replace(/^\((.*)\)$/, '$1');
        expect(local.orderBy, name).toBe(description.collapseBy === undefined ? plain.orderBy : `(${plainKey}, ${description.collapseBy})`);
      } else if (description.placement === 'replaced') {
        // A view of the newest version, over every version written, replicated on every server.
        expect(table.text, name).toMatch(new RegExp(`^CREATE VIEW IF NOT EXISTS ${name} ON CLUSTER ${CLUSTER}\\b`));
        const versions = clusterTables.get(versionsName(name))!;
        expect(versions.engine, name).toBe(`Replicated${plain.engine}`);
        expect(versions.engineArgs, name).toBe(`'/clickhouse/tables/all/{database}/${versionsName(name)}', '{shard}-{replica}'`);
        expect(columnsOf(versions), name).toBe(columnsOf(plain).replace(/\n\)$/, ',\n    `version` UInt64,\n    `writer` String\n)'));
        expect(versions.orderBy, name).toBe(`(version, ${plain.orderBy!.replace(/^\((.*)\)$/, '$1')})`);
      } else if (description.placement === 'everywhere') {
        expect(table.engine, name).toBe(`Replicated${plain.engine}`);
        expect(table.engineArgs, name).toMatch(new RegExp(`^'/clickhouse/tables/all/\\{database\\}/${name}', '\\{shard\\}-\\{replica\\}'`));
        expect(clusterTables.has(localName(name)), name).toBe(false);
      } else {
        expect(table.engine, name).toBe('KeeperMap');
        expect(table.text, name).toMatch(new RegExp(`\\nPRIMARY KEY ${description.primaryKey}$`));
      }
    }
    // Nothing on a cluster keeps rows on one server only.
    for (const table of clusterTables.values())
      expect(table.engine ?? table.text.match(/^CREATE VIEW/)?.[0], table.table).toMatch(
        /^(Replicated\w*MergeTree|Distributed|KeeperMap|CREATE VIEW)$/,
      );
  });

  it('keeps the leases in Keeper, keyed by slot, with the columns of one server and without its deduplication setting', () => {
    const plain = created(single).get('leases')!;
    const leases = created(cluster).get('leases')!;
    expect(leases.engine).toBe('KeeperMap');
    expect(leases.engineArgs).toBe("'/footfall/leases'");
    expect(leases.text).toMatch(/\nPRIMARY KEY slot$/);
    expect(columnsOf(leases)).toBe(columnsOf(plain));
    // A KeeperMap takes no ORDER BY or MergeTree settings: its strict mode, not a token window, picks the one insert.
    expect(leases.text).not.toMatch(/ORDER BY|SETTINGS/);
    expect(plain.text).toMatch(/SETTINGS non_replicated_deduplication_window = 1000/);
  });

  it('replaces the catalog by versions: a view of the newest version under each query name, which EXCHANGE TABLES needs not swap', () => {
    const tables = created(cluster);
    for (const name of ['catalog_objects', 'catalog_goals']) {
      expect(CLUSTER_TABLES[name]!.placement, name).toBe('replaced');
      expect(tables.get(name)!.text.replace(/\s+/g, ' '), name).toBe(
        `CREATE VIEW IF NOT EXISTS ${name} ON CLUSTER ${CLUSTER} AS SELECT * EXCEPT (version, writer) FROM ${versionsName(name)} ` +
          `WHERE (version, writer) = ( SELECT max((version, writer)) FROM ${versionsName(name)} )`,
      );
    }
    expect(cluster.some((statement) => /EXCHANGE|RENAME/.test(statement.text))).toBe(false);
    // A later migration altering or filling one is refused by name until its cluster form is written.
    expect(() => clusterStatements('ALTER TABLE catalog_goals ADD COLUMN x UInt8', CLUSTER)).toThrow(
      /cannot alter table catalog_goals, replaced whole on a cluster/,
    );
    expect(() => clusterStatements('INSERT INTO catalog_objects SELECT * FROM numbers(1)', CLUSTER)).toThrow(
      /cannot fill table catalog_objects, replaced whole at every start/,
    );
  });

  it('keeps a visit on one shard and collapses re-sent rows by their ids', () => {
    const tables = created(cluster);
    expect(tables.get('events')!.engineArgs).toBe(`'${CLUSTER}', currentDatabase(), events_local, cityHash64(site, session_id)`);
    expect(tables.get('events_local')!.engine).toBe('ReplicatedReplacingMergeTree');
    expect(tables.get('events_local')!.orderBy).toBe('(site, type, ts, event_id)');
    expect(tables.get('events_local')!.text).toMatch(/SETTINGS replicated_deduplication_window = 10000/);
    expect(tables.get('events_local')!.text).not.toMatch(/non_replicated/);
    expect(tables.get('otel_traces_local')!.orderBy).toBe('(ServiceName, SpanName, toDateTime(Timestamp), TraceId, SpanId)');
    for (const rollup of ['events_per_minute', 'events_per_hour', 'events_per_day', 'visits_per_hour']) {
      expect(tables.get(localName(rollup))!.engine, rollup).toBe('ReplicatedAggregatingMergeTree');
    }
    expect(tables.get('refused_values_local')!.engineArgs).toBe(
      "'/clickhouse/tables/{shard}/{database}/refused_values_local', '{replica}', count",
    );
    expect(tables.get('schema_migrations')!.engine).toBe('ReplicatedMergeTree');
  });

  it('feeds each shard’s rollups from its own raw rows', () => {
    const views = cluster.filter((statement) => statement.text.startsWith('CREATE MATERIALIZED VIEW'));
    expect(views.length).toBe(single.filter((statement) => statement.text.startsWith('CREATE MATERIALIZED VIEW')).length);
    for (const view of views) {
      expect(view.text).toMatch(/ TO \w+_local\n/);
      // Raw rows, or (the chained views: hotspot spans, days) the rows an hourly view wrote on the same shard.
      expect(view.text).toMatch(/\nFROM (events|hotspots_per_hour|events_per_hour)_local\n/);
    }
  });

  it('refuses a table it has no description of, and a statement it cannot translate, by name', () => {
    expect(() => clusterStatements('CREATE TABLE IF NOT EXISTS sessions (id String) ENGINE = MergeTree ORDER BY id', CLUSTER)).toThrow(
      /table sessions has no cluster description: add it to CLUSTER_TABLES/,
    );
    expect(() => clusterStatements('ALTER TABLE sessions ADD COLUMN x UInt8', CLUSTER)).toThrow(
      /table sessions has no cluster description/,
    );
    expect(() => clusterStatements('RENAME TABLE events TO events_old', CLUSTER)).toThrow(
      /cannot translate this statement \(clickhouse\/cluster-schema.ts\): RENAME TABLE/,
    );
    expect(() => clusterStatements('CREATE TABLE IF NOT EXISTS events (id String) ENGINE = Log', CLUSTER)).toThrow(
      /engine Log has no replicated form/,
    );
    expect(() => clusterStatements('DROP VIEW IF EXISTS v', 'foot-fall')).toThrow(/not a plain identifier/);
  });

  it('leaves words in comments alone and alters a Distributed table’s columns with its local table’s', () => {
    const [local, distributed] = clusterStatements(
      '-- rows from events go TO somewhere\nALTER TABLE events\n    ADD COLUMN IF NOT EXISTS x UInt8 DEFAULT 0, -- why\n    ADD COLUMN IF NOT EXISTS y UInt8',
      CLUSTER,
    );
    expect(local).toBe(
      `ALTER TABLE events_local ON CLUSTER ${CLUSTER} ADD COLUMN IF NOT EXISTS x UInt8 DEFAULT 0,\n    ADD COLUMN IF NOT EXISTS y UInt8`,
    );
    expect(distributed).toBe(
      `ALTER TABLE events ON CLUSTER ${CLUSTER} ADD COLUMN IF NOT EXISTS x UInt8 DEFAULT 0,\n    ADD COLUMN IF NOT EXISTS y UInt8`,
    );
    // A change of rows or TTL is the local table's only.
    expect(clusterStatements('ALTER TABLE events MODIFY TTL toDateTime(ts) + INTERVAL 9 DAY', CLUSTER)).toEqual([
      `ALTER TABLE events_local ON CLUSTER ${CLUSTER} MODIFY TTL toDateTime(ts) + INTERVAL 9 DAY`,
    ]);
  });

  it('deletes rows of a sharded table (erasure) from every server’s local table: a Distributed table takes no DELETE', async () => {
    const sharded = Object.keys(CLUSTER_TABLES).filter((table) => CLUSTER_TABLES[table]!.placement === 'sharded');
    // Every table erasure clears is sharded on a cluster.
    expect(sharded).toEqual(
      expect.arrayContaining(['events', 'otel_traces', 'otel_logs', 'metric_points', 'visits_per_hour', 'refused_values']),
    );
    for (const table of Object.keys(CLUSTER_TABLES)) {
      const parsed = await parse(`${deleteFrom(table, CLUSTER)} WHERE site = 'portfolio'`);
      const placement = CLUSTER_TABLES[table]!.placement;
      const expected =
        placement === 'sharded'
          ? `DELETE FROM ${localName(table)} ON CLUSTER ${CLUSTER}`
          : `DELETE FROM ${placement === 'replaced' ? versionsName(table) : table}`;
      expect(parsed.text.replace(/\s+/g, ' '), table).toBe(`${expected} WHERE site = 'portfolio'`);
      // One server: every table by its own name.
      expect(deleteFrom(table, undefined)).toBe(`DELETE FROM ${table}`);
    }
  });

  it('is printed by npm run schema, statement by statement, each ending with ;', () => {
    const run = (args: string[]) =>
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/schema.ts', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const printed = run(['--cluster', CLUSTER]);
    const statements = printed.trimEnd().split(/;\n\n/);
    expect(statements.at(-1)!.endsWith(';')).toBe(true);
    statements[statements.length - 1] = statements.at(-1)!.slice(0, -1);
    expect(statements).toEqual(schemaStatements({ cluster: CLUSTER }).map((statement) => statement.trim()));
    expect(run([]).trimEnd().split(/;\n\n/).length).toBe(schemaStatements().length);
    expect(() => run(['--cluster', 'no such'])).toThrow(/is not a cluster name/);
  });
});

describe('the single-server schema', () => {
  it('is the migration files as written, run as they are by the embedded engine', async () => {
    const files = migrationFiles();
    expect(schemaStatements().slice(1)).toEqual(files.map((file) => file.sql));
    for (const statement of single) expect(statement.text).not.toMatch(/ON CLUSTER|Replicated|Distributed|KeeperMap|_local\b/);
    const applied = await migrate(client);
    expect(applied).toEqual(files.map((file) => file.file));
    const result = await client.query({
      query: `SELECT name, engine FROM system.tables WHERE database = currentDatabase() AND name IN ('schema_migrations', 'events', 'events_per_hour') ORDER BY name`,
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([
      { name: 'events', engine: 'MergeTree' },
      { name: 'events_per_hour', engine: 'AggregatingMergeTree' },
      { name: 'schema_migrations', engine: 'MergeTree' },
    ]);
  });
});

describe('CLICKHOUSE_CLUSTER', () => {
  it('names a cluster of the server at CLICKHOUSE_URL', () => {
    expect(loadConfig({ CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_CLUSTER: 'footfall' }, {}).clickhouseCluster).toBe('footfall');
    expect(loadConfig({}, {}).clickhouseCluster).toBeUndefined();
    expect(() => loadConfig({ CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_CLUSTER: 'foot fall' }, {})).toThrow(/CLICKHOUSE_CLUSTER/);
    expect(() => loadConfig({ CLICKHOUSE_CLUSTER: 'footfall' }, {})).toThrow(/CLICKHOUSE_CLUSTER=footfall needs CLICKHOUSE_URL/);
  });
});
