import fp from 'fastify-plugin';
import { Pipeline, type PipelineOptions } from '../pipeline/pipeline.js';

declare module 'fastify' {
  interface FastifyInstance {
    pipeline: Pipeline;
  }
}

export interface PipelinePluginOptions extends Omit<PipelineOptions, 'client' | 'metrics' | 'log'> {
  /** How long closing waits for ClickHouse to take what is buffered; the rest is replayed at the next start. */
  closeTimeoutMs: number;
}

/** The write path shared by every route: write-ahead log, batches, deduplication. */
export default fp<PipelinePluginOptions>(
  async (app, options) => {
    const pipeline = new Pipeline({ ...options, client: app.clickhouse, metrics: app.metrics, log: app.log });
    app.decorate('pipeline', pipeline);
    // No answer leaves before the rows accepted so far are in the write-ahead log (one write per
    // turn of the event loop for every request of that turn); a refused write answers 503.
    app.addHook('onSend', (_request, _reply, payload, done) => {
      const durable = pipeline.durable();
      if (!durable) return done(null, payload);
      durable.then(
        () => done(null, payload),
        (error: Error) => done(error),
      );
    });
    try {
      const remembered = await pipeline.loadRecentIds();
      app.log.info({ remembered }, 'recent ids loaded for deduplication');
    } catch (error) {
      app.log.warn({ err: error }, 'could not read recent ids from ClickHouse; only ids seen from now on are deduplicated');
    }
    // Registered after the ClickHouse plugin, so this runs before the client closes.
    app.addHook('onClose', async () => {
      const flushed = await pipeline.close(options.closeTimeoutMs);
      if (!flushed) app.log.warn('ClickHouse did not take everything before closing; the rest stays in the spool');
    });
  },
  { name: 'footfall-pipeline', dependencies: ['footfall-clickhouse', 'footfall-metrics'] },
);
