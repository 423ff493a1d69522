// The engagement fold's schedule (fold-engagement.ts): a round a minute, off the insert path; while
// a span's slices wait (a first start on a full store, a restart after a long stop), the next
// round comes a second later, so catching up never holds the engine long and reads go on between
// rounds. With several replicas (REPLICA_ID) only the holder of the lease `engagement-fold` folds
// (src/lease/); two folding at once would only write the same rows twice, which replace each other.
import fp from 'fastify-plugin';
import { leaseFor } from '../lease/lease.js';
import { EngagementFold } from './fold-engagement.js';

declare module 'fastify' {
  interface FastifyInstance {
    engagementFold: EngagementFold;
  }
}

export interface EngagementFoldPluginOptions {
  /** REPLICA_ID: with one, the fold runs on the replica holding the lease only; '' or undefined, here always. */
  replicaId?: string;
  /** Between rounds when nothing waits. */
  intervalMs?: number;
}

const ROUND_EVERY_MS = 60_000;
const CATCH_UP_PAUSE_MS = 1000;

export const engagementFoldPlugin = fp<EngagementFoldPluginOptions>(
  async (app, options) => {
    const fold = new EngagementFold(app.clickhouse);
    app.decorate('engagementFold', fold);
    const lease = leaseFor(app.clickhouse, 'engagement-fold', { replicaId: options.replicaId ?? '' });
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    // The round under way, awaited at close: ClickHouse must not close under its statements.
    let running: Promise<void> | undefined;
    const schedule = (): void => {
      if (stopped) return;
      timer = setTimeout(run, fold.behind ? CATCH_UP_PAUSE_MS : (options.intervalMs ?? ROUND_EVERY_MS));
      timer.unref?.();
    };
    const run = (): void => {
      running = lease
        .hold()
        .then(async (held) => {
          if (held) await fold.round();
          else fold.forget();
        })
        .catch((error: unknown) => {
          // A span begun is folded again from the stored watermark: its rows replace themselves.
          fold.forget();
          app.log.warn({ err: error }, 'could not fold the engagement path; the read takes raw events meanwhile');
        })
        .finally(schedule);
    };
    app.addHook('onReady', async () => schedule());
    app.addHook('onClose', async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      // Given up, so another replica folds from its next round rather than after the expiry.
      await lease.release().catch((error: unknown) => app.log.warn({ err: error }, 'could not give up the engagement fold lease'));
    });
  },
  { name: 'footfall-engagement-fold', dependencies: ['footfall-clickhouse'] },
);
