import fp from 'fastify-plugin';
import { createMetrics, type Metrics } from '../metrics/registry.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/** The Prometheus registry and the HTTP request counters, kept by route pattern (bounded). */
export default fp(
  async (app) => {
    const metrics = createMetrics();
    app.decorate('metrics', metrics);
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const method = request.method;
      metrics.httpRequests.inc({ route, method, status: String(reply.statusCode) });
      metrics.httpDuration.observe({ route, method }, reply.elapsedTime / 1000);
    });
  },
  { name: 'footfall-metrics' },
);
