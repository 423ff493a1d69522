// The weekly digest's schedule: a round a minute of DigestService (digest/digest-service.ts), which
// delivers each site's digest once it is due and records it, so a restart never sends it twice.
// With several replicas (REPLICA_ID) only the holder of the lease `digest` delivers (src/lease/).
import fp from 'fastify-plugin';
import { type DigestPluginOptions, DigestService } from '../digest/digest-service.js';
import { leaseFor } from '../lease/lease.js';

declare module 'fastify' {
  interface FastifyInstance {
    digests: DigestService;
  }
}

const MINUTE = 60_000;

export const digestPlugin = fp<DigestPluginOptions>(
  async (app, options) => {
    const now = options.now ?? Date.now;
    const lease = leaseFor(app.clickhouse, 'digest', { replicaId: options.replicaId ?? '', now });
    const service = new DigestService(app.clickhouse, () => app.catalog.sites.values(), { ...options, log: app.log, lease });
    app.decorate('digests', service);
    let timer: ReturnType<typeof setInterval> | undefined;
    // A round a minute; the digest is due on the hour, so a minute late at most. A round still
    // under way when the next is due is not doubled (DigestService.round).
    const run = (): void => {
      service
        .round(now())
        .catch((error: unknown) => app.log.warn({ err: error }, 'could not deliver the weekly digests; trying again next minute'));
    };
    app.addHook('onReady', async () => {
      timer = setInterval(run, MINUTE);
      timer.unref?.();
    });
    app.addHook('onClose', async () => {
      clearInterval(timer);
      // A round under way finishes (its delivery recorded) before ClickHouse closes.
      await service.settled();
      // Given up, so another replica delivers from its next round rather than after the expiry.
      await lease.release().catch((error: unknown) => app.log.warn({ err: error }, 'could not give up the digest lease'));
    });
  },
  { name: 'footfall-digest', dependencies: ['footfall-clickhouse'] },
);
