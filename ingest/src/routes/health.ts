import type { FastifyPluginAsync } from 'fastify';

const PING_TIMEOUT_MS = 2000;

/**
 * `GET /healthz` (the process answers) and `GET /readyz` (it can take data and store it, and how
 * many rows ClickHouse refused for their content were set aside since the start).
 */
const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const clickhouse = await pingClickHouse(app);
    const spoolFull = app.pipeline.full;
    const logRefusing = app.pipeline.logRefusing;
    const ready = clickhouse && !spoolFull && !logRefusing;
    const quarantined = app.pipeline.quarantinedRows;
    // Rows set aside do not make the service unready: every other row is being written, and a 503
    // would take it out of the load balancer and hold back every visitor's data. It says
    // "degraded" (and footfall_rows_quarantined_total counts them) so a person looks at them.
    const degraded = Object.values(quarantined).some((rows) => rows > 0);
    return reply.code(ready ? 200 : 503).send({
      status: ready ? (degraded ? 'degraded' : 'ready') : 'not ready',
      clickhouse: clickhouse ? 'reachable' : 'unreachable',
      spool: spoolFull ? 'full' : 'has room',
      write_ahead_log: logRefusing ? 'refusing writes (disk full?)' : 'writable',
      spool_bytes: app.pipeline.pendingBytes,
      quarantined_rows: quarantined,
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
