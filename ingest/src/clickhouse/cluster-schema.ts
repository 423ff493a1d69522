/**
 * The migrations in their cluster form (CLICKHOUSE_CLUSTER). The numbered files stay written for
 * one server; each statement is translated here, driven by one description per table, so a new
 * migration needs no second copy, and a table this file does not describe is refused by name
 * (the cluster schema test runs every migration through it) instead of reaching a cluster wrong.
 *
 * On a cluster a table the queries read is a `Distributed` table over a replicated local table
 * `<name>_local` on every shard; the materialized views feed local rollups from local raw rows on
 * each shard. A few small tables are not sharded: every server holds them whole.
 */

/** How one table lives on a cluster. */
export type ClusterTable =
  | {
      /** Rows spread over the shards by `shardBy`, a replicated `<name>_local` on each, `Distributed` under the name. */
      placement: 'sharded';
      /** The sharding key: a hash of columns of the row, so a re-sent row reaches the shard that holds it already. */
      shardBy: string;
      /**
       * Columns that name a row: the local table replaces rows equal in sort key and these at
       * merges, so a duplicate that reached storage collapses (they are appended to the sort key).
       */
      collapseBy?: string;
    }
  | {
      /** Small tables every server holds whole (one replica set over the whole cluster), read locally by any query. */
      placement: 'everywhere';
    }
  | {
      /** Rows kept in Keeper: an insert of a key already stored fails (keeper_map_strict_mode), so the first writer wins on every server. */
      placement: 'keeper';
      primaryKey: string;
    }
  | {
      /**
       * Small tables replaced whole at every start (the catalog). One server swaps in a staging
       * table (EXCHANGE TABLES), which tables replicated under fixed Keeper paths cannot do: here
       * every server holds the versions written, in `<name>_versions` (one replica set over the
       * whole cluster), and the query name is a view of the newest (catalog/catalog-table.ts).
       */
      placement: 'replaced';
    };

/** An attribute of a span or log record, else of its resource: where the ingest service looks it up (otlp/traces/span-rows.ts). */
function attribute(map: string, name: string): string {
  return `if(mapContains(${map}, '${name}'), ${map}['${name}'], ResourceAttributes['${name}'])`;
}

/** Every table of the migrations. A migration creating a table not listed here fails to translate. */
export const CLUSTER_TABLES: Readonly<Record<string, ClusterTable>> = {
  // A visit's rows on one shard: visits, entry and exit pages are computed on the shard that holds them.
  events: { placement: 'sharded', shardBy: 'cityHash64(site, session_id)', collapseBy: 'event_id' },
  otel_traces: {
    placement: 'sharded',
    shardBy: `cityHash64(${attribute('SpanAttributes', 'portfolio.site')}, ${attribute('SpanAttributes', 'session.id')})`,
    collapseBy: 'TraceId, SpanId',
  },
  otel_logs: {
    placement: 'sharded',
    shardBy: `cityHash64(${attribute('LogAttributes', 'portfolio.site')}, ${attribute('LogAttributes', 'session.id')})`,
    collapseBy: 'LogId',
  },
  metric_points: { placement: 'sharded', shardBy: 'cityHash64(site, point_id)', collapseBy: 'point_id' },
  // Rollups are written on each shard by its views; the key only places rows inserted through the
  // Distributed table (the fill migrations), and reads merge every shard's partial states.
  events_per_minute: { placement: 'sharded', shardBy: 'cityHash64(site)' },
  events_per_hour: { placement: 'sharded', shardBy: 'cityHash64(site)' },
  events_per_day: { placement: 'sharded', shardBy: 'cityHash64(site)' },
  visits_per_hour: { placement: 'sharded', shardBy: 'cityHash64(site, session_key)' },
  refused_values: { placement: 'sharded', shardBy: 'cityHash64(site)' },
  hotspots_per_hour: { placement: 'sharded', shardBy: 'cityHash64(site)' },
  hotspot_elements_per_span: { placement: 'sharded', shardBy: 'cityHash64(site)' },
  // Folded by one replica through the Distributed table: a visit folded again lands on the shard
  // holding its earlier rows, which it replaces there.
  engagement_steps: { placement: 'sharded', shardBy: 'cityHash64(site, session_key)' },
  // Where each folding job got: one small row per round, read by every server's reads.
  fold_watermarks: { placement: 'everywhere' },
  // Joined with events by dashboards and replaced whole at every start: a local copy everywhere,
  // of every version written, under a view of the newest.
  catalog_objects: { placement: 'replaced' },
  catalog_goals: { placement: 'replaced' },
  // Read whole into memory by every ingest replica.
  api_keys: { placement: 'everywhere' },
  // The service's own traffic alerts (ingest/src/alerts/): a few rows, read whole at start.
  alerts: { placement: 'everywhere' },
  // The owner's notes on a site's timeline (ingest/src/annotations/): a few short rows, listed by
  // any server's page and Grafana's annotation query.
  annotations: { placement: 'everywhere' },
  // Which weekly digests went out, per site, week and channel: a few rows, checked before sending.
  digests_sent: { placement: 'everywhere' },
  // One salt per day for every replica, or one visitor gets several ids: first writer wins, in Keeper.
  visitor_salts: { placement: 'keeper', primaryKey: 'day' },
  // Who runs the work done once (src/lease/): a generation's slot is taken by one insert on every
  // server at once, where a replicated table would let two replicas each read themselves the owner.
  leases: { placement: 'keeper', primaryKey: 'slot' },
  // The ingest replicas' heartbeats (pipeline/replica-heartbeats.ts): read by every replica before
  // each insert, so what one replica wrote must be what all read at once, not a replicated copy a
  // beat behind. A beat is written without strict mode and replaces the instance's last one.
  replica_heartbeats: { placement: 'keeper', primaryKey: 'instance' },
};

/** Cluster names go into statements unquoted (`ON CLUSTER name`): config.ts admits only these. */
export const CLUSTER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The local table under a sharded table's Distributed one. */
export function localName(table: string): string {
  return `${table}_local`;
}

/** The table of every version written under a table replaced whole at each start. */
export function versionsName(table: string): string {
  return `${table}_versions`;
}

/**
 * The columns a replaced table's versions add to its own: the version (one more than the newest
 * at the write) and the writer (random per write), which picks one of two writes of one version.
 */
export const VERSION_COLUMNS = ['version', 'writer'] as const;

/** The rows of the newest version, whole: a view under the query name reads this. */
function newestVersion(versions: string): string {
  return `SELECT * EXCEPT (version, writer) FROM ${versions} WHERE (version, writer) = (SELECT max((version, writer)) FROM ${versions})`;
}

/**
 * The start of a lightweight DELETE of a table's rows. A `Distributed` table takes no DELETE: on a
 * cluster, rows of a sharded table are deleted from every server's local table (`ON CLUSTER`), and
 * those of a replaced table from its versions (a view takes none); tables copied everywhere or kept
 * in Keeper take it under their own name.
 */
export function deleteFrom(table: string, cluster: string | undefined): string {
  const placement = cluster === undefined ? undefined : CLUSTER_TABLES[table]?.placement;
  if (placement === 'replaced') return `DELETE FROM ${versionsName(table)}`;
  if (placement !== 'sharded') return `DELETE FROM ${table}`;
  return `DELETE FROM ${localName(table)} ON CLUSTER ${cluster}`;
}

/** The migrations' own record, replicated over the whole cluster so any server answers what ran. */
export function migrationsTableStatement(cluster: string | undefined): string {
  const columns = "(version String, checksum String, applied_at DateTime('UTC') DEFAULT now())";
  if (cluster === undefined) {
    return `CREATE TABLE IF NOT EXISTS schema_migrations ${columns} ENGINE = MergeTree ORDER BY version`;
  }
  return `CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER ${checked(cluster)} ${columns} ENGINE = ${everywhereEngine('ReplicatedMergeTree', 'schema_migrations', '')} ORDER BY version`;
}

/** The statements that carry out one migration file on `cluster`, in order. */
export function clusterStatements(sql: string, cluster: string): string[] {
  const statement = withoutComments(sql).trim().replace(/;$/, '').trim();
  const on = `ON CLUSTER ${checked(cluster)}`;
  let match: RegExpMatchArray | null;

  if ((match = statement.match(/^CREATE TABLE IF NOT EXISTS (\w+)\s*(\([\s\S]*)$/))) {
    return createTable(match[1]!, match[2]!, cluster);
  }
  if ((match = statement.match(/^CREATE MATERIALIZED VIEW IF NOT EXISTS (\w+) TO (\w+) AS\s([\s\S]*)$/))) {
    const [, view, target, select] = match as unknown as [string, string, string, string];
    sharded(target);
    return [`CREATE MATERIALIZED VIEW IF NOT EXISTS ${view} ${on} TO ${localName(target)} AS ${readingLocalTables(select)}`];
  }
  if ((match = statement.match(/^ALTER TABLE (\w+)\s([\s\S]*)$/))) {
    const [, table, rawActions] = match as unknown as [string, string, string];
    const actions = rawActions.trim();
    if (describe(table).placement === 'replaced') {
      // Its view names the columns it had when created: a change of columns must alter the
      // versions and create the view again (CREATE OR REPLACE VIEW), not yet written.
      throw new Error(`the cluster schema cannot alter table ${table}, replaced whole on a cluster (clickhouse/cluster-schema.ts)`);
    }
    // A KeeperMap takes no MergeTree settings: its strict mode already keeps the first row of a key.
    if (describe(table).placement === 'keeper' && /^MODIFY SETTING\b/i.test(actions)) return [];
    if (describe(table).placement !== 'sharded') return [`ALTER TABLE ${table} ${on} ${actions}`];
    const local = `ALTER TABLE ${localName(table)} ${on} ${actions}`;
    // A Distributed table has columns of its own, which must match the local ones; it has no data to alter.
    const columnsOnly = splitTopLevel(actions).every((action) => /^(ADD|DROP|MODIFY|RENAME|COMMENT) COLUMN\b/i.test(action.trim()));
    return columnsOnly ? [local, `ALTER TABLE ${table} ${on} ${actions}`] : [local];
  }
  if ((match = statement.match(/^DROP VIEW IF EXISTS (\w+)$/))) {
    return [`DROP VIEW IF EXISTS ${match[1]} ${on} SYNC`];
  }
  if ((match = statement.match(/^INSERT INTO (\w+)\s([\s\S]*)$/))) {
    // Through the Distributed tables: the guard reads every shard, the rows go to their shards, and
    // the migration is done only once every shard has them.
    if (describe(match[1]!).placement === 'replaced') {
      throw new Error(`the cluster schema cannot fill table ${match[1]}, replaced whole at every start (clickhouse/cluster-schema.ts)`);
    }
    const foreground = 'distributed_foreground_insert = 1';
    return [/\sSETTINGS\s[^()]*$/.test(statement) ? `${statement}, ${foreground}` : `${statement} SETTINGS ${foreground}`];
  }
  throw new Error(`the cluster schema cannot translate this statement (clickhouse/cluster-schema.ts): ${statement.slice(0, 120)}`);
}

function createTable(table: string, rest: string, cluster: string): string[] {
  const on = `ON CLUSTER ${checked(cluster)}`;
  const description = describe(table);
  const engineMatch = rest.match(/\)\s*ENGINE = (\w+)(?:\(([^)]*)\))?/);
  if (!engineMatch || engineMatch.index === undefined) throw new Error(`table ${table}: no ENGINE clause the cluster schema can read`);
  const engine = engineMatch[1]!;
  const engineArgs = engineMatch[2] ? `, ${engineMatch[2]}` : '';
  const columns = rest.slice(0, engineMatch.index + 1);
  const clauses = rest.slice(engineMatch.index + engineMatch[0].length);
  if (!/^(MergeTree|ReplacingMergeTree|AggregatingMergeTree|SummingMergeTree)$/.test(engine)) {
    throw new Error(`table ${table}: engine ${engine} has no replicated form in the cluster schema`);
  }

  if (description.placement === 'keeper') {
    return [
      `CREATE TABLE IF NOT EXISTS ${table} ${on} ${columns} ENGINE = KeeperMap('/footfall/${table}') PRIMARY KEY ${description.primaryKey}`,
    ];
  }
  if (description.placement === 'replaced') {
    const versions = versionsName(table);
    const sortKey = /(\s)ORDER BY (\([^()]*\)|\w+)/;
    const clausesByVersion = replicatedClauses(clauses).replace(sortKey, (_all, space: string, key: string) => {
      return `${space}ORDER BY (version, ${key.startsWith('(') ? key.slice(1, -1) : key})`;
    });
    if (!sortKey.test(clauses)) throw new Error(`table ${table}: no ORDER BY the cluster schema can read`);
    // The version first in the sort key: the newest is read from the end of it.
    const versionColumns = columns.replace(/\s*\)\s*$/, ',\n    version UInt64,\n    writer  String\n)');
    return [
      `CREATE TABLE IF NOT EXISTS ${versions} ${on} ${versionColumns} ENGINE = ${everywhereEngine(`Replicated${engine}`, versions, engineArgs)}${clausesByVersion}`,
      `CREATE VIEW IF NOT EXISTS ${table} ${on} AS ${newestVersion(versions)}`,
    ];
  }
  if (description.placement === 'everywhere') {
    return [
      `CREATE TABLE IF NOT EXISTS ${table} ${on} ${columns} ENGINE = ${everywhereEngine(`Replicated${engine}`, table, engineArgs)}${replicatedClauses(clauses)}`,
    ];
  }

  let replicated = `Replicated${engine}`;
  let localClauses = replicatedClauses(clauses);
  if (description.collapseBy !== undefined) {
    if (engine !== 'MergeTree') throw new Error(`table ${table}: only a MergeTree table can collapse rows by ${description.collapseBy}`);
    replicated = 'ReplicatedReplacingMergeTree';
    const sortKey = /(\s)ORDER BY (\([^()]*(?:\([^()]*\)[^()]*)*\)|\w+)/;
    if (!sortKey.test(localClauses)) throw new Error(`table ${table}: no ORDER BY the cluster schema can read`);
    localClauses = localClauses.replace(sortKey, (_all, space: string, key: string) => {
      const columns = key.startsWith('(') ? key.slice(1, -1) : key;
      return `${space}ORDER BY (${columns}, ${description.collapseBy})`;
    });
  }
  const local = localName(table);
  return [
    `CREATE TABLE IF NOT EXISTS ${local} ${on} ${columns} ENGINE = ${replicated}('/clickhouse/tables/{shard}/{database}/${local}', '{replica}'${engineArgs})${localClauses}`,
    `CREATE TABLE IF NOT EXISTS ${table} ${on} AS ${local} ENGINE = Distributed('${cluster}', currentDatabase(), ${local}, ${description.shardBy})`,
  ];
}

/** One replica set over every server: a Keeper path without the shard, a replica name unique in the cluster. */
function everywhereEngine(engine: string, table: string, engineArgs: string): string {
  return `${engine}('/clickhouse/tables/all/{database}/${table}', '{shard}-{replica}'${engineArgs})`;
}

/**
 * The table's clauses after the engine, for a replicated engine: the deduplication window of a
 * re-sent batch is kept in Keeper, for every replica of the shard, instead of on one server.
 */
function replicatedClauses(clauses: string): string {
  return clauses.replace(/\bnon_replicated_deduplication_window\b/g, 'replicated_deduplication_window');
}

/** A SELECT of a view, reading the local tables of the shard it runs on. */
function readingLocalTables(select: string): string {
  return select.replace(/\b(FROM|JOIN)(\s+)(\w+)\b/gi, (all, keyword: string, space: string, table: string) => {
    const description = CLUSTER_TABLES[table];
    return description?.placement === 'sharded' ? `${keyword}${space}${localName(table)}` : all;
  });
}

function describe(table: string): ClusterTable {
  const description = CLUSTER_TABLES[table];
  if (!description) {
    throw new Error(`table ${table} has no cluster description: add it to CLUSTER_TABLES (clickhouse/cluster-schema.ts)`);
  }
  return description;
}

function sharded(table: string): void {
  if (describe(table).placement !== 'sharded') throw new Error(`view target ${table} must be a sharded table on a cluster`);
}

function checked(cluster: string): string {
  if (!CLUSTER_NAME.test(cluster)) throw new Error(`cluster name ${JSON.stringify(cluster)} is not a plain identifier`);
  return cluster;
}

/** The SQL without `--` comments (outside string literals), which may hold words such as FROM. */
export function withoutComments(sql: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i]!;
    if (quoted) {
      out += char;
      if (char === '\\') out += sql[++i] ?? '';
      else if (char === "'") quoted = false;
    } else if (char === "'") {
      quoted = true;
      out += char;
    } else if (char === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      out += '\n';
    } else {
      out += char;
    }
  }
  // Lines left empty by a removed comment go too.
  return out.replace(/[ \t]+\n/g, '\n').replace(/\n{2,}/g, '\n');
}

/** Splits at commas outside parentheses and string literals. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '\\') i++;
      else if (char === "'") quoted = false;
    } else if (char === "'") quoted = true;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
