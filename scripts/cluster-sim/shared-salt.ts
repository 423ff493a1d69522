// One visitor, one id, on every replica: on a cluster, `visitor_salts` is one store for all
// replicas (a KeeperMap, docs/scaling.md), and the first salt stored for a day wins everywhere. The
// simulated replicas each have an engine of their own, so that shared store is stood in for by
// storing one random salt for today and tomorrow in every replica's table before it starts: each
// replica then finds a salt stored first and uses it, as it would find the winner in Keeper.
import { randomBytes } from 'node:crypto';
import { createClickHouse } from '../../ingest/src/clickhouse/client.js';
import { migrate } from '../../ingest/src/clickhouse/migrate.js';

const DAY_MS = 86_400_000;

export async function storeSharedSalt(dataDirs: string[], now = Date.now()): Promise<void> {
  const days = [now, now + DAY_MS].map((ms) => ({ day: new Date(ms).toISOString().slice(0, 10), salt: randomBytes(32).toString('hex') }));
  // One engine at a time in this process: each is opened, written and closed in turn.
  for (const dataDir of dataDirs) {
    const client = await createClickHouse({ url: undefined, dataDir });
    try {
      await migrate(client);
      await client.insert({ table: 'visitor_salts', values: days, format: 'JSONEachRow' });
    } finally {
      await client.close();
    }
  }
}
