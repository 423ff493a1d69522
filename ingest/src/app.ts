import type { ClickHouseClient } from '@clickhouse/client';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import { ClosingError, RETRY_AFTER_SECONDS } from './errors.js';
import { loadCatalog } from './catalog/catalog.js';
import { fastifyTrustProxy, type Config } from './config.js';
import { catalogTablePlugin } from './plugins/catalog-table.js';
import clickhousePlugin from './plugins/clickhouse.js';
import { hotspotSelectorsPlugin } from './plugins/hotspot-selectors.js';
import metricsPlugin from './plugins/metrics.js';
import pipelinePlugin from './plugins/pipeline.js';
import { refusedValuesPlugin } from './plugins/refused-values.js';
import trackingPlugin from './plugins/tracking.js';
import { requestPlace, serializeRequest } from './request-log.js';
import apiRoutes from './routes/api/index.js';
import beaconRoutes from './routes/beacon/index.js';
import healthRoutes from './routes/health.js';
import { sharedRateLimit } from './routes/ingest-route-options.js';
import logsRoutes from './routes/logs/index.js';
import metricsRoute from './routes/metrics.js';
import otlpRoutes from './routes/otlp/index.js';
import overviewRoutes from './routes/overview/index.js';
import { alertsPlugin } from './plugins/alerts.js';
import { digestPlugin } from './plugins/digest.js';
import { engagementFoldPlugin } from './engagement-fold/plugin.js';
import { livePlugin } from './plugins/live.js';

const CLOSE_TIMEOUT_MS = 10_000;
const STREAM_INTERVAL_MS = 5000;

/** Parts a test may bring instead of the ones the configuration names. */
export interface AppOverrides {
  /** A ClickHouse client to use instead of the one `CLICKHOUSE_URL`/`DATA_DIR` name (tests use it to simulate an outage). */
  clickhouse?: ClickHouseClient;
  /** Where log lines go instead of standard output (tests read them). */
  logStream?: { write(line: string): void };
}

/** Builds the ingest service; it does not listen (server.ts does). */
export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<FastifyInstance> {
  const catalog = loadCatalog(config.catalogFile);
  const app = Fastify({
    // No log line carries a request's query string: see request-log.ts.
    logger: { level: config.logLevel, serializers: { req: serializeRequest }, ...(overrides.logStream && { stream: overrides.logStream }) },
    trustProxy: fastifyTrustProxy(config.trustProxy),
    // The ClickHouse plugin applies every migration and fills new rollups before the service
    // starts: on a first start on a busy machine that takes longer than fastify's 10 s default.
    pluginTimeout: 120_000,
    // Requests that come while it closes get our own 503, with Retry-After (see the onRequest hook).
    return503OnClosing: false,
    // Slow senders (a body at one byte a second) and idle sockets are bounded (docs/limits.md).
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      // Node checks both timeouts only this often (30 s by default): often enough to keep them.
      connectionsCheckingInterval: Math.max(100, Math.min(5000, config.headersTimeoutMs / 2)),
    },
    // Two log lines per beacon would cost more than storing it; refusals and errors are logged
    // where they happen, and /metrics counts every request.
    logController: new LogController({ disableRequestLogging: true }),
    // Bodies are bounded per route; this is the ceiling for routes that set nothing.
    bodyLimit: 64 * 1024,
  });
  app.server.maxConnections = config.maxConnections;

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const retryAfter = RETRY_AFTER_SECONDS.get(error.code);
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error, ...requestPlace(request) }, 'request failed');
    else request.log.info({ code: error.code, status, ...requestPlace(request), message: error.message }, 'request refused');
    return reply.send(error);
  });

  // While it closes (a SIGTERM, a restart), a request on a connection still open is refused as
  // "not now", with Retry-After: fastify's own answer then has none, and a client or balancer that
  // honours only 503 with Retry-After counted it as failed. Registered first, so this hook runs
  // before every other preClose hook.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', (_request, _reply, done) => done(closing ? new ClosingError() : undefined));

  await app.register(metricsPlugin);
  await app.register(clickhousePlugin, {
    url: config.clickhouseUrl,
    cluster: config.clickhouseCluster,
    dataDir: config.dataDir,
    readCacheBytes: config.readCacheMaxBytes,
    client: overrides.clickhouse,
    retention: config.retention,
    replicaId: config.replicaId,
  });
  await app.register(catalogTablePlugin, { catalog, cluster: config.clickhouseCluster });
  await app.register(pipelinePlugin, {
    dataDir: config.dataDir,
    replicaId: config.replicaId,
    batchSize: config.batchSize,
    batchMaxBytes: config.batchMaxBytes,
    batchIntervalMs: config.batchIntervalMs,
    spoolMaxBytes: config.spoolMaxBytes,
    walFsyncMs: config.walFsyncMs,
    dedupCapacity: config.dedupCapacity,
    closeTimeoutMs: CLOSE_TIMEOUT_MS,
  });
  await app.register(trackingPlugin, {
    catalog,
    privacySignalMode: config.privacySignalMode,
    countryDatabase: config.countryDatabase,
  });
  await app.register(refusedValuesPlugin, { catalog, catalogFile: config.catalogFile });
  await app.register(hotspotSelectorsPlugin);
  if (config.alertsEnabled) await app.register(alertsPlugin, { webhookUrl: config.alertWebhookUrl, replicaId: config.replicaId });
  await app.register(digestPlugin, { webhookUrl: config.alertWebhookUrl, mail: config.digestMail, replicaId: config.replicaId });
  await app.register(engagementFoldPlugin, { replicaId: config.replicaId });
  await app.register(livePlugin, {
    streamIntervalMs: STREAM_INTERVAL_MS,
    streamMaxTotal: config.streamMaxTotal,
    streamMaxPerClient: config.streamMaxPerClient,
  });

  // Browsers of the catalog's sites only; server-to-server senders (the Collector) send no Origin.
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin === undefined || catalog.origins.has(origin)),
    methods: ['POST', 'GET'],
    maxAge: 86_400,
  });
  await app.register(rateLimit, { global: false });

  await app.register(beaconRoutes, { rateLimitPerMinute: config.rateLimitPerMinute });
  // Traces, metrics and logs are one OTLP surface: one rate-limit bucket per client across the three.
  const otlpRateLimit = sharedRateLimit(app, { rateLimitPerMinute: config.rateLimitOtlpPerMinute });
  await app.register(otlpRoutes, { rateLimit: otlpRateLimit, catalogFile: config.catalogFile });
  await app.register(logsRoutes, { rateLimit: otlpRateLimit });
  await app.register(healthRoutes);
  await app.register(metricsRoute);
  await app.register(apiRoutes, {
    statsToken: config.statsToken,
    rateLimitPerMinute: config.apiRateLimitPerMinute,
    cluster: config.clickhouseCluster,
  });
  await app.register(overviewRoutes, { tokenRequired: config.statsToken !== undefined });
  return app;
}
