import type { ClickHouseClient } from '@clickhouse/client';
import fp from 'fastify-plugin';
import { createClickHouse } from '../clickhouse/client.js';
import { migrate } from '../clickhouse/migrate.js';
import { applyRetention, type Retention } from '../clickhouse/retention.js';
import { leaseFor } from '../lease/lease.js';

declare module 'fastify' {
  interface FastifyInstance {
    clickhouse: ClickHouseClient;
  }
}

export interface ClickHousePluginOptions {
  url: string | undefined;
  dataDir: string;
  /** The embedded engine's block cache for reads, in bytes (clickhouse/client.ts). */
  readCacheBytes?: number;
  /** Used instead of a new client when given. */
  client?: ClickHouseClient;
  /** A cluster of the server at `url`: the schema is made ON CLUSTER. */
  cluster?: string;
  /** Table TTLs set once the schema is migrated; the migrations' own when not given. */
  retention?: Retention;
  /** REPLICA_ID: with one, the TTLs are set by one replica at a time (src/lease/). */
  replicaId?: string;
}

/**
 * The ClickHouse client (embedded or served) with the schema migrated. When the server is
 * unreachable at start-up the service still starts: it accepts into the spool and migrates once
 * ClickHouse answers (the writer's retries wait for it).
 */
export default fp<ClickHousePluginOptions>(
  async (app, options) => {
    const client = options.client ?? (await createClickHouse(options));
    app.decorate('clickhouse', client);
    let migrated: Promise<void> | undefined;
    const migrateOnce = async () => {
      migrated ??= migrate(client, undefined, { cluster: options.cluster }).then(
        async (applied) => {
          if (applied.length > 0) app.log.info({ applied }, 'migrations applied');
          const lease = leaseFor(client, 'retention', { replicaId: options.replicaId ?? '' });
          const changed = options.retention ? await applyRetention(client, options.retention, options.cluster, lease) : [];
          if (changed.length > 0) app.log.info({ tables: changed, retention: options.retention }, 'retention applied');
        },
        (error: unknown) => {
          migrated = undefined;
          throw error;
        },
      );
      return migrated;
    };
    try {
      await migrateOnce();
    } catch (error) {
      app.log.error({ err: error }, 'ClickHouse is not reachable at start-up; accepting into the spool meanwhile');
      const retry = setInterval(() => {
        migrateOnce().then(
          () => clearInterval(retry),
          () => undefined,
        );
      }, 2000);
      retry.unref();
      app.addHook('onClose', async () => clearInterval(retry));
    }
    app.addHook('onClose', async () => {
      await client.close();
    });
  },
  { name: 'footfall-clickhouse' },
);
