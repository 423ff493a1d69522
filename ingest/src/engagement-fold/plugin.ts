// The engagement fold's schedule (fold-engagement.ts): a round a minute, off the insert path; while
// a span's slices wait (a first start on a full store, a restart after a long stop), the next
// round comes a second later, so catching up never holds the engine long and reads go on between
// rounds. With several replicas (REPLICA_ID) only the holder of the lease `engagement-fold` folds
// (src/lease/); two folding at once would only write the same rows twice, which replace each other.
import fp from 'fastify-plugin';
import { leaseFor } from '../lease/lease.js';
import { LeasedRounds } from '../lease/leased-rounds.js';
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
    const rounds = new LeasedRounds({
      lease,
      delayMs: () => (fold.behind ? CATCH_UP_PAUSE_MS : (options.intervalMs ?? ROUND_EVERY_MS)),
      round: () => fold.round(),
      // Another replica folds: a span begun here is its to fold from the stored watermark.
      leave: () => fold.forget(),
      failed: (error) => {
        // A span begun is folded again from the stored watermark: its rows replace themselves.
        fold.forget();
        app.log.warn({ err: error }, 'could not fold the engagement path; the read takes raw events meanwhile');
      },
      releaseFailed: (error) => app.log.warn({ err: error }, 'could not give up the engagement fold lease'),
    });
    app.addHook('onReady', async () => rounds.start());
    app.addHook('onClose', async () => rounds.stop());
  },
  { name: 'footfall-engagement-fold', dependencies: ['footfall-clickhouse'] },
);
