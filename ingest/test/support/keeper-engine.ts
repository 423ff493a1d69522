// The embedded engine with ClickHouse's own in-memory Keeper (`testkeeper`, a configuration of the
// engine, not a double), so a cluster's KeeperMap tables run here as on a cluster: the one
// part of a cluster that needs no other server.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const CONFIG =
  '<clickhouse><zookeeper><implementation>testkeeper</implementation></zookeeper>' +
  '<keeper_map_path_prefix>/keeper_map_tables</keeper_map_path_prefix></clickhouse>\n';

/**
 * Starts the engine of `dataDir` with a Keeper. Call it before any client of that folder: the
 * engine takes its configuration from the first connection to it, and the service's clients
 * (createClickHouse) join that engine, as chdb shares one engine per folder in a process.
 */
export function startEngineWithKeeper(dataDir: string): void {
  const config = join(dataDir, 'keeper.xml');
  writeFileSync(config, CONFIG);
  const { Session } = createRequire(import.meta.url)('chdb') as {
    Session: new (path: string, options: { connectionArgs: string[] }) => unknown;
  };
  new Session(join(dataDir, 'clickhouse'), { connectionArgs: [`--config-file=${config}`] });
}

/** A cluster schema statement as the embedded engine runs it: without `ON CLUSTER`, as there are no other servers. */
export function onThisServer(statement: string, cluster: string): string {
  return statement.replace(` ON CLUSTER ${cluster}`, '');
}
