// Writes the catalog's objects (catalog_objects, migration 0009) and goals (catalog_goals, migration
// 0047) to ClickHouse at every start, so the dashboards' "least clicked", "never clicked" and goals
// follow the catalog file without a re-render.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { versionsName } from '../clickhouse/cluster-schema.js';
import { goalType, likePattern } from '../stats/goal-condition.js';
import type { Catalog } from './catalog.js';

export const CATALOG_TABLE = 'catalog_objects';
export const GOALS_TABLE = 'catalog_goals';

export interface CatalogObjectRow {
  site: string;
  room: string;
  room_label: string;
  object: string;
  label: string;
  /** The object's place in the catalog, for listing objects in the owner's order. */
  position: number;
}

/** One row per object of every site, in catalog order. */
export function catalogObjectRows(catalog: Catalog): CatalogObjectRow[] {
  let position = 0;
  return catalog.document.sites.flatMap((site) =>
    site.rooms.flatMap((room) =>
      room.objects.map((object) => ({
        site: site.id,
        room: room.id,
        room_label: room.label ?? room.id,
        object: object.id,
        label: object.label,
        position: position++,
      })),
    ),
  );
}

export interface CatalogGoalRow {
  site: string;
  goal: string;
  /** The goal's place among its site's goals, as /api/stats lists them. */
  position: number;
  /** What the goal matches, as /api/stats' goals say it: `page /thanks*`, `object guitar`... */
  target: string;
  /** The rest: one `events` row reaches the goal when it matches every column (a goal's SQL condition, as columns). */
  event_type: string;
  path_like: string;
  url_like: string;
  object: string;
  props: Record<string, string>;
}

const TARGETS = ['page', 'object', 'outbound', 'download', 'event'] as const;

/**
 * One row per goal of every site, in catalog order, by the rules of the service's goal condition
 * (stats/goal-condition.ts): the event type of goalType, its `*` patterns made LIKE patterns by
 * likePattern, and '%' (anything) for what the goal says nothing of.
 */
export function catalogGoalRows(catalog: Catalog): CatalogGoalRow[] {
  return catalog.document.sites.flatMap((site) =>
    (site.goals ?? []).map((goal, position) => {
      const field = TARGETS.find((name) => goal[name] !== undefined)!;
      const props = goal.props ?? {};
      const url = goal.outbound ?? goal.download;
      return {
        site: site.id,
        goal: goal.name,
        position,
        target: `${field} ${goal[field]}${Object.entries(props)
          .map(([key, value]) => ` ${key}=${value}`)
          .join('')}`,
        event_type: goalType(goal),
        path_like: goal.page === undefined ? '%' : likePattern(goal.page),
        url_like: url === undefined ? '%' : likePattern(url),
        object: goal.object ?? '',
        // Only an event goal matches props, as the service's condition reads them.
        props: field === 'event' ? props : {},
      };
    }),
  );
}

/**
 * Replaces each table's rows (goals, then objects) with the catalog's, in one step: the rows go into a staging table of
 * the same shape, which then trades places with the live one (EXCHANGE TABLES, atomic), so a
 * dashboard never reads a half-written or empty catalog. The staging name is this process's own,
 * so two services starting against one server do not write into each other's. On a cluster
 * (`cluster`, CLICKHOUSE_CLUSTER) the rows are written as the tables' next version instead.
 */
export async function writeCatalogTable(client: ClickHouseClient, catalog: Catalog, cluster?: string): Promise<number> {
  const replace = cluster === undefined ? replaceTable : writeNextVersion;
  await replace(client, GOALS_TABLE, catalogGoalRows(catalog));
  return replace(client, CATALOG_TABLE, catalogObjectRows(catalog));
}

/** One table's rows replaced by `rows`, through a staging table of this process's own (above); the number written. */
async function replaceTable(client: ClickHouseClient, table: string, rows: readonly object[]): Promise<number> {
  const staging = `${table}_next_${randomBytes(4).toString('hex')}`;
  await client.command({ query: `CREATE TABLE ${staging} AS ${table}` });
  try {
    if (rows.length > 0) await client.insert({ table: staging, values: [...rows], format: 'JSONEachRow' });
    await client.command({ query: `EXCHANGE TABLES ${table} AND ${staging}` });
  } finally {
    await client.command({ query: `DROP TABLE IF EXISTS ${staging}` });
  }
  return rows.length;
}

/**
 * One table's rows replaced by `rows` on a cluster; the number written. Its tables are replicated
 * over every server under fixed Keeper paths, which EXCHANGE TABLES cannot swap: the query name is
 * a view of the newest version in `<table>_versions` (clickhouse/cluster-schema.ts). The rows go
 * in as the next version in one insert, one part that replicates whole, so a reader on any server
 * sees the former version or this one, never part of it; then the older versions are deleted (an
 * empty catalog leaves none). Two replicas starting together may write one version number twice:
 * the view takes one of the two writes whole, the greater writer id.
 */
async function writeNextVersion(client: ClickHouseClient, table: string, rows: readonly object[]): Promise<number> {
  const versions = versionsName(table);
  const newest = await client.query({ query: `SELECT max(version) AS version FROM ${versions}`, format: 'JSONEachRow' });
  const version = Number((await newest.json<{ version: number | string }>())[0]?.version ?? 0) + 1;
  const writer = randomUUID();
  if (rows.length > 0) {
    await client.insert({ table: versions, values: rows.map((row) => ({ ...row, version, writer })), format: 'JSONEachRow' });
  }
  await client.command({ query: `DELETE FROM ${versions} WHERE version < {version:UInt64}`, query_params: { version } });
  return rows.length;
}
