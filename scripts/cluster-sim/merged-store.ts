// After the run: each replica's rows, exported from its own embedded engine, read into one fresh
// engine, as a `Distributed` read over the replicas' shards would see them (the rollups fed by the
// same views at insert, so a row stored by two replicas is counted twice there too). The real
// overview query (readStats) then gives the figures the owner would read.
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { loadCatalog } from '../../ingest/src/catalog/catalog.js';
import { createClickHouse } from '../../ingest/src/clickhouse/client.js';
import { migrate } from '../../ingest/src/clickhouse/migrate.js';
// The stats modules read `app.clickhouse`, declared by this plugin: its types, not its code.
import type {} from '../../ingest/src/plugins/clickhouse.js';
import { readStats } from '../../ingest/src/stats/stats.js';
import { repoRoot } from '@footfall/stack';

const SITE = 'portfolio';
/** The service's default catalog, which the replicas ran with. */
const CATALOG_FILE = join(repoRoot, 'ingest/catalog.json');

export interface ReplicaRows {
  /** Rows of `events` the replica's engine holds. */
  rows: number;
  /** Distinct event ids among them. */
  distinct: number;
}

export interface MergedFigures {
  perReplica: ReplicaRows[];
  /** Rows of all replicas together (a `Distributed` table's count()). */
  rows: number;
  distinct: number;
  /** Ids stored by more than one replica: a client's retry that another replica took too. */
  acrossReplicas: string[];
  /** What the overview answers over the last 24 hours, read from the merged store. */
  overview: { total_events: number; page_views: number; visits: number; visitors: number };
  /** The same figures counted here from the distinct stored events, to hold the overview to. */
  counted: { page_views: number; visits: number; visitors: number };
}

async function single<T>(client: ClickHouseClient, query: string): Promise<T> {
  const result = await client.query({ query, format: 'JSONEachRow' });
  return ((await result.json<T>()) as T[])[0]!;
}

/** Writes the replica's `events` to a Native file; the engine is opened only for this (the replica has stopped). */
async function exportReplica(dataDir: string, file: string): Promise<void> {
  const client = await createClickHouse({ url: undefined, dataDir });
  try {
    await client.command({ query: `INSERT INTO FUNCTION file('${file}', 'Native') SELECT * FROM events` });
  } finally {
    await client.close();
  }
}

export async function mergeReplicas(dataDirs: string[], workDir: string): Promise<MergedFigures> {
  const files = dataDirs.map((_, index) => join(workDir, `replica-${index}.native`));
  // One engine at a time in this process: each is opened, read and closed in turn.
  for (const [index, dataDir] of dataDirs.entries()) await exportReplica(dataDir, files[index]!);

  const client = await createClickHouse({ url: undefined, dataDir: join(workDir, 'merged') });
  try {
    await migrate(client);
    const perReplica: ReplicaRows[] = [];
    for (const file of files) {
      const row = await single<{ rows: string; distinct: string }>(
        client,
        `SELECT count() AS rows, uniqExact(site, event_id) AS distinct FROM file('${file}', 'Native')`,
      );
      perReplica.push({ rows: Number(row.rows), distinct: Number(row.distinct) });
      // Through the views, as each shard's inserts fed its own rollups.
      await client.command({ query: `INSERT INTO events SELECT * FROM file('${file}', 'Native')` });
    }
    // Counted from the exported files, which no background merge of the replacing engine changes.
    const union = files.map((file) => `SELECT site, event_id, '${file}' AS replica FROM file('${file}', 'Native')`).join(' UNION ALL ');
    const totals = await single<{ rows: string; distinct: string }>(
      client,
      `SELECT count() AS rows, uniqExact(site, event_id) AS distinct FROM (${union})`,
    );
    const counted = await single<{ page_views: string; visits: string; visitors: string }>(
      client,
      `SELECT countIf(type = 'page_view') AS page_views, uniqExact(session_id) AS visits, uniqExact(visitor_id) AS visitors
       FROM (SELECT any(type) AS type, any(session_id) AS session_id, any(visitor_id) AS visitor_id
             FROM (${union.replaceAll('SELECT site, event_id,', 'SELECT site, event_id, type, session_id, visitor_id,')}) GROUP BY site, event_id)`,
    );
    const across = await client.query({
      query: `SELECT event_id FROM (${union}) GROUP BY site, event_id HAVING uniqExact(replica) > 1 ORDER BY event_id`,
      format: 'JSONEachRow',
    });
    const acrossReplicas = (await across.json<{ event_id: string }>()).map((row) => row.event_id);
    const site = loadCatalog(CATALOG_FILE).sites.get(SITE)!;
    const stats = await readStats(client, site, '24h');
    return {
      perReplica,
      rows: Number(totals.rows),
      distinct: Number(totals.distinct),
      acrossReplicas,
      overview: { total_events: stats.total_events, page_views: stats.page_views, visits: stats.visits, visitors: stats.visitors },
      counted: { page_views: Number(counted.page_views), visits: Number(counted.visits), visitors: Number(counted.visitors) },
    };
  } finally {
    await client.close();
  }
}
