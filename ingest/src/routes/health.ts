import type { FastifyPluginAsync } from 'fastify';

const PING_TIMEOUT_MS = 2000;

/** `GET /healthz` (the process answers) and `GET /readyz` (it can take data and store it). */
const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const clickhouse = await pingClickHouse(app);
    const spoolFull = app.pipeline.full;
    const ready = clickhouse && !spoolFull;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not ready',
      clickhouse: clickhouse ? 'reachable' : 'unreachable',
      spool: spoolFull ? 'full' : 'has room',
      spool_bytes: app.pipeline.pendingBytes,
    });
  });
};

async function pingClickHouse(app: Parameters<FastifyPluginAsync>[0]): Promise<boolean> {
  const timeout = new Promise<false>((resolve) => setTimeout(resolve, PING_TIMEOUT_MS, false).unref());
  const ping = app.clickhouse.ping().then(
    (result) => result.success,
    () => false,
  );
  return Promise.race([ping, timeout]);
}

export default healthRoutes;
