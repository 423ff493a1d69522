import type { FastifyPluginAsync } from 'fastify';

/** `GET /metrics`: the Prometheus exposition of every counter (docs/metrics.md). */
const metricsRoute: FastifyPluginAsync = async (app) => {
  app.get('/metrics', async (_request, reply) => {
    app.pipeline.updateSpoolGauges();
    const body = await app.metrics.registry.metrics();
    return reply.type(app.metrics.registry.contentType).send(body);
  });
};

export default metricsRoute;
