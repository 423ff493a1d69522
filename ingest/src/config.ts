import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import envSchema from 'env-schema';
import { READ_CACHE_MAX_BYTES } from './clickhouse/client.js';
import { CLUSTER_NAME } from './clickhouse/cluster-schema.js';
import type { Retention } from './clickhouse/retention.js';
import { defaultCountryDatabase } from './events/country.js';
import { openFilesLimit } from './open-files-limit.js';

const DEFAULT_CATALOG_FILE = fileURLToPath(new URL('../catalog.json', import.meta.url));
/**
 * Files the service may hold open besides its connections: the embedded engine's parts (a merge
 * of wide parts opens a file per column), the write-ahead log, the spool, pipes. About 75 when idle.
 */
export const FILES_BESIDES_CONNECTIONS = 512;

/** The service's whole configuration, read once at start-up. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Names this replica in its insert deduplication tokens (docs/scaling.md): unique among the replicas of a cluster; '' for none. */
  replicaId: string;
  /** A ClickHouse server; undefined means the embedded engine in `dataDir`. */
  clickhouseUrl: string | undefined;
  /** A ClickHouse cluster of the server at `clickhouseUrl`: the schema is made ON CLUSTER (clickhouse/cluster-schema.ts). */
  clickhouseCluster: string | undefined;
  catalogFile: string;
  /** Beacon requests per client IP and minute; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** OTLP requests per client IP and minute: a Collector sends every visitor's data from one address. */
  rateLimitOtlpPerMinute: number;
  batchSize: number;
  batchMaxBytes: number;
  batchIntervalMs: number;
  spoolMaxBytes: number;
  privacySignalMode: 'anonymise' | 'drop';
  /** An MMDB file mapping addresses to country codes; undefined turns the lookup off. */
  countryDatabase: string | undefined;
  statsToken: string | undefined;
  /** Read API requests (`/api/*`) per client IP and minute, one bucket for all its routes; 0 turns the limit off. */
  apiRateLimitPerMinute: number;
  /** Live streams (`/api/stream`) open at once, in all and per client IP. */
  streamMaxTotal: number;
  streamMaxPerClient: number;
  /**
   * Which proxies' X-Forwarded-For to believe: false (none), the number of proxies in front of the
   * service, or their addresses (CIDR ranges too). The environment cannot say `true` (believe
   * anyone); code may (tests that stand for a proxy).
   */
  trustProxy: boolean | number | string[];
  /** Longest time to receive a whole request, headers and body; 0 means no limit. */
  requestTimeoutMs: number;
  /** Longest time to receive a request's headers. */
  headersTimeoutMs: number;
  /** A connection with no traffic for this long is closed. */
  connectionTimeoutMs: number;
  /** How long an idle keep-alive connection is kept open for the client's next request. */
  keepAliveTimeoutMs: number;
  /** Connections open at once; past it new ones are closed at once. */
  maxConnections: number;
  logLevel: string;
  /** Flush the write-ahead log to disk (fsync) at this interval; 0 fsyncs never (a crash of the process still loses nothing). */
  walFsyncMs: number;
  /** How many recent event, span and data-point ids are remembered to recognise a re-send. */
  dedupCapacity: number;
  /** Seconds of idle after work before the JavaScript heap gives its free memory back (idle-heap-release.ts); 0 never. */
  heapReleaseIdleS: number;
  /** Bytes of decompressed blocks the embedded engine keeps for reads while they come (clickhouse/client.ts); 0 none. */
  readCacheMaxBytes: number;
  /** Days each kind of data is kept, applied as table TTLs at start-up. */
  retention: Retention;
  /** Whether the service judges the traffic alert rules itself (ingest/src/alerts/). */
  alertsEnabled: boolean;
  /** Where the service posts its alerts: the webhook of Grafana's contact point; undefined posts none. */
  alertWebhookUrl: string | undefined;
  /** Where the weekly digest is mailed (SMTP_URL, DIGEST_FROM, DIGEST_TO); undefined mails none. */
  digestMail: { smtpUrl: string; from: string; to: string } | undefined;
}

const REPLICA_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Longest retention a variable may set: ten years (the defaults in docs/configuration.md all stay within 25 months). */
const MAX_RETENTION_DAYS = 3650;

// The names are the environment variables documented in docs/configuration.md; env-schema validates and
// coerces them and names the bad variable in its error.
const schema = {
  type: 'object',
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
    HOST: { type: 'string', minLength: 1, default: '127.0.0.1' },
    DATA_DIR: { type: 'string', minLength: 1, default: '.data' },
    // Part of every insert deduplication token, so only letters, digits, '.', '_' and '-'.
    // Unset by default: a single service keeps the tokens it always had, so a batch left in the
    // write-ahead log by an older release is replayed under the token it was first sent with. (The host
    // name is no default: a container's changes when it is recreated, and its tokens with it.)
    REPLICA_ID: { type: 'string', pattern: `^$|${REPLICA_ID.source}`, default: '' },
    CLICKHOUSE_URL: { type: 'string', pattern: '^https?://' },
    CLICKHOUSE_CLUSTER: { type: 'string', pattern: CLUSTER_NAME.source },
    CATALOG_FILE: { type: 'string', minLength: 1, default: DEFAULT_CATALOG_FILE },
    RATE_LIMIT_PER_MINUTE: { type: 'integer', minimum: 0, default: 1200 },
    RATE_LIMIT_OTLP_PER_MINUTE: { type: 'integer', minimum: 0, default: 12_000 },
    BATCH_SIZE: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 100_000 },
    BATCH_MAX_BYTES: { type: 'integer', minimum: 65_536, maximum: 1024 * 1024 * 1024, default: 64 * 1024 * 1024 },
    BATCH_INTERVAL_MS: { type: 'integer', minimum: 10, maximum: 600_000, default: 1000 },
    SPOOL_MAX_BYTES: { type: 'integer', minimum: 1024, default: 512 * 1024 * 1024 },
    PRIVACY_SIGNAL_MODE: { type: 'string', enum: ['anonymise', 'drop'], default: 'anonymise' },
    COUNTRY_DATABASE: { type: 'string', minLength: 1, default: 'builtin' },
    STATS_TOKEN: { type: 'string', minLength: 8 },
    API_RATE_LIMIT_PER_MINUTE: { type: 'integer', minimum: 0, default: 300 },
    STREAM_MAX_TOTAL: { type: 'integer', minimum: 1, default: 64 },
    STREAM_MAX_PER_CLIENT: { type: 'integer', minimum: 1, default: 4 },
    TRUST_PROXY: { type: 'string', default: 'false' },
    // A visitor on a slow mobile link sends a 64 KiB beacon in seconds; these bound slow senders
    // (one byte a second) without ever cutting such a visitor off.
    REQUEST_TIMEOUT_MS: { type: 'integer', minimum: 0, default: 60_000 },
    HEADERS_TIMEOUT_MS: { type: 'integer', minimum: 1000, default: 30_000 },
    CONNECTION_TIMEOUT_MS: { type: 'integer', minimum: 1000, default: 120_000 },
    KEEP_ALIVE_TIMEOUT_MS: { type: 'integer', minimum: 1000, default: 72_000 },
    MAX_CONNECTIONS: { type: 'integer', minimum: 1, default: 10_000 },
    LOG_LEVEL: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
    },
    WAL_FSYNC_MS: { type: 'integer', minimum: 0, default: 1000 },
    DEDUP_CAPACITY: { type: 'integer', minimum: 1000, default: 500_000 },
    HEAP_RELEASE_IDLE_S: { type: 'integer', minimum: 0, maximum: 86_400, default: 10 },
    READ_CACHE_MAX_BYTES: { type: 'integer', minimum: 0, maximum: 64 * 1024 ** 3, default: READ_CACHE_MAX_BYTES },
    // Whole days. Events for 13 months (a year against the year before), spans and logs for a
    // month (debugging, not analytics), the rollups for two years (long ranges, no ids).
    RETENTION_EVENTS_DAYS: { type: 'integer', minimum: 1, maximum: MAX_RETENTION_DAYS, default: 400 },
    RETENTION_TRACES_DAYS: { type: 'integer', minimum: 1, maximum: MAX_RETENTION_DAYS, default: 30 },
    RETENTION_METRICS_DAYS: { type: 'integer', minimum: 1, maximum: MAX_RETENTION_DAYS, default: 400 },
    RETENTION_ROLLUPS_DAYS: { type: 'integer', minimum: 1, maximum: MAX_RETENTION_DAYS, default: 730 },
    ALERTS_ENABLED: { type: 'boolean', default: true },
    // The variable Grafana's webhook contact point reads too (provisioning/alerting/contact-points/).
    FOOTFALL_ALERT_WEBHOOK_URL: { type: 'string', pattern: '^https?://' },
    // The weekly digest by mail (src/digest/): all three or none.
    SMTP_URL: { type: 'string', pattern: '^smtps?://[^/?#]+' },
    DIGEST_FROM: { type: 'string', minLength: 3, maxLength: 320 },
    DIGEST_TO: { type: 'string', minLength: 3, maxLength: 2000 },
  },
} as const;

interface RawEnv {
  PORT: number;
  HOST: string;
  DATA_DIR: string;
  REPLICA_ID: string;
  CLICKHOUSE_URL?: string;
  CLICKHOUSE_CLUSTER?: string;
  CATALOG_FILE: string;
  RATE_LIMIT_PER_MINUTE: number;
  RATE_LIMIT_OTLP_PER_MINUTE: number;
  BATCH_SIZE: number;
  BATCH_MAX_BYTES: number;
  BATCH_INTERVAL_MS: number;
  SPOOL_MAX_BYTES: number;
  PRIVACY_SIGNAL_MODE: 'anonymise' | 'drop';
  COUNTRY_DATABASE: string;
  STATS_TOKEN?: string;
  API_RATE_LIMIT_PER_MINUTE: number;
  STREAM_MAX_TOTAL: number;
  STREAM_MAX_PER_CLIENT: number;
  TRUST_PROXY: string;
  REQUEST_TIMEOUT_MS: number;
  HEADERS_TIMEOUT_MS: number;
  CONNECTION_TIMEOUT_MS: number;
  KEEP_ALIVE_TIMEOUT_MS: number;
  MAX_CONNECTIONS: number;
  LOG_LEVEL: string;
  WAL_FSYNC_MS: number;
  DEDUP_CAPACITY: number;
  HEAP_RELEASE_IDLE_S: number;
  READ_CACHE_MAX_BYTES: number;
  RETENTION_EVENTS_DAYS: number;
  RETENTION_TRACES_DAYS: number;
  RETENTION_METRICS_DAYS: number;
  RETENTION_ROLLUPS_DAYS: number;
  ALERTS_ENABLED: boolean;
  FOOTFALL_ALERT_WEBHOOK_URL?: string;
  SMTP_URL?: string;
  DIGEST_FROM?: string;
  DIGEST_TO?: string;
}

/** Reads the configuration from environment variables; throws naming the bad variable. */
/** `limits.openFiles`: the process's open-files limit; absent when it is unknown or unlimited. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, limits: { openFiles?: number } = { openFiles: openFilesLimit() }): Config {
  // Empty strings mean "unset", as in most shells' `VAR= cmd`.
  const data = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  let raw: RawEnv;
  try {
    raw = envSchema<RawEnv>({ schema, data, dotenv: false });
  } catch (error) {
    throw new Error(`invalid configuration: ${(error as Error).message}`);
  }
  // The read API serves session ids, visitor ids and paths: beyond this machine only with a token.
  if (raw.STATS_TOKEN === undefined && !isLoopback(raw.HOST)) {
    throw new Error(
      `invalid configuration: HOST=${raw.HOST} listens beyond this machine, so STATS_TOKEN is required ` +
        '(the read API serves visitor and session ids). Set STATS_TOKEN to a secret of at least 8 characters, ' +
        'for example STATS_TOKEN=$(openssl rand -hex 24), and send it as "Authorization: Bearer <token>"; ' +
        'or listen on 127.0.0.1 only.',
    );
  }
  if (raw.REQUEST_TIMEOUT_MS > 0 && raw.HEADERS_TIMEOUT_MS > raw.REQUEST_TIMEOUT_MS) {
    throw new Error(
      `invalid configuration: HEADERS_TIMEOUT_MS (${raw.HEADERS_TIMEOUT_MS}) must not exceed REQUEST_TIMEOUT_MS (${raw.REQUEST_TIMEOUT_MS}); the headers are part of the request`,
    );
  }
  // The embedded engine is one server; a cluster is reached through one of its servers.
  if (raw.CLICKHOUSE_CLUSTER !== undefined && raw.CLICKHOUSE_URL === undefined) {
    throw new Error(
      `invalid configuration: CLICKHOUSE_CLUSTER=${raw.CLICKHOUSE_CLUSTER} needs CLICKHOUSE_URL, a server of that cluster; the embedded engine has no cluster`,
    );
  }
  // The rollups answer long ranges from what raw events no longer hold; kept shorter, those ranges
  // would come out empty while the raw events were still there.
  if (raw.RETENTION_ROLLUPS_DAYS < raw.RETENTION_EVENTS_DAYS) {
    throw new Error(
      `invalid configuration: RETENTION_ROLLUPS_DAYS (${raw.RETENTION_ROLLUPS_DAYS}) must be at least RETENTION_EVENTS_DAYS (${raw.RETENTION_EVENTS_DAYS}); the rollups are what long ranges read`,
    );
  }
  const digestMail = digestMailOf(raw);
  return {
    port: raw.PORT,
    host: raw.HOST,
    dataDir: resolve(raw.DATA_DIR),
    replicaId: raw.REPLICA_ID,
    clickhouseUrl: raw.CLICKHOUSE_URL,
    clickhouseCluster: raw.CLICKHOUSE_CLUSTER,
    catalogFile: resolve(raw.CATALOG_FILE),
    rateLimitPerMinute: raw.RATE_LIMIT_PER_MINUTE,
    rateLimitOtlpPerMinute: raw.RATE_LIMIT_OTLP_PER_MINUTE,
    batchSize: raw.BATCH_SIZE,
    batchMaxBytes: raw.BATCH_MAX_BYTES,
    batchIntervalMs: raw.BATCH_INTERVAL_MS,
    spoolMaxBytes: raw.SPOOL_MAX_BYTES,
    privacySignalMode: raw.PRIVACY_SIGNAL_MODE,
    countryDatabase: countryDatabaseOf(raw.COUNTRY_DATABASE),
    statsToken: raw.STATS_TOKEN,
    apiRateLimitPerMinute: raw.API_RATE_LIMIT_PER_MINUTE,
    streamMaxTotal: raw.STREAM_MAX_TOTAL,
    streamMaxPerClient: raw.STREAM_MAX_PER_CLIENT,
    trustProxy: parseTrustProxy(raw.TRUST_PROXY),
    requestTimeoutMs: raw.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: raw.HEADERS_TIMEOUT_MS,
    connectionTimeoutMs: raw.CONNECTION_TIMEOUT_MS,
    keepAliveTimeoutMs: raw.KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: maxConnectionsWithin(raw.MAX_CONNECTIONS, data.MAX_CONNECTIONS !== undefined, limits.openFiles),
    logLevel: raw.LOG_LEVEL,
    walFsyncMs: raw.WAL_FSYNC_MS,
    dedupCapacity: raw.DEDUP_CAPACITY,
    heapReleaseIdleS: raw.HEAP_RELEASE_IDLE_S,
    readCacheMaxBytes: raw.READ_CACHE_MAX_BYTES,
    retention: {
      eventsDays: raw.RETENTION_EVENTS_DAYS,
      tracesDays: raw.RETENTION_TRACES_DAYS,
      metricsDays: raw.RETENTION_METRICS_DAYS,
      rollupsDays: raw.RETENTION_ROLLUPS_DAYS,
    },
    alertsEnabled: raw.ALERTS_ENABLED,
    alertWebhookUrl: raw.FOOTFALL_ALERT_WEBHOOK_URL,
    digestMail,
  };
}

/** `name@example.com`, or `Footfall <name@example.com>`. */
const MAIL_ADDRESS = /^(?:[^<>,]*<[^\s@<>,]+@[^\s@<>,]+>|[^\s@<>,]+@[^\s@<>,]+)$/;

/** SMTP_URL, DIGEST_FROM and DIGEST_TO together, or none: half of them would mail nothing, silently. */
function digestMailOf(raw: RawEnv): Config['digestMail'] {
  const given = { SMTP_URL: raw.SMTP_URL, DIGEST_FROM: raw.DIGEST_FROM, DIGEST_TO: raw.DIGEST_TO };
  const missing = Object.entries(given)
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length === 3) return undefined;
  if (missing.length > 0) {
    throw new Error(
      `invalid configuration: the weekly digest's mail needs SMTP_URL, DIGEST_FROM and DIGEST_TO together; ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing`,
    );
  }
  const bad = [
    ...[raw.DIGEST_FROM!].filter((address) => !MAIL_ADDRESS.test(address.trim())).map((address) => `DIGEST_FROM=${address}`),
    ...raw
      .DIGEST_TO!.split(',')
      .filter((address) => !MAIL_ADDRESS.test(address.trim()))
      .map((address) => `DIGEST_TO has ${JSON.stringify(address.trim())}`),
  ];
  if (bad.length > 0) {
    throw new Error(
      `invalid configuration: ${bad.join('; ')}: not a mail address (name@example.com; DIGEST_TO may list several, comma-separated)`,
    );
  }
  return { smtpUrl: raw.SMTP_URL!, from: raw.DIGEST_FROM!.trim(), to: raw.DIGEST_TO! };
}

/**
 * MAX_CONNECTIONS within the open-files limit: past it, accepting a connection or opening the
 * write-ahead log fails with EMFILE under load, far from the cause. A value the operator set is
 * refused at start; the default is lowered to what fits.
 */
function maxConnectionsWithin(chosen: number, setByOperator: boolean, openFiles: number | undefined): number {
  if (openFiles === undefined) return chosen;
  const room = openFiles - FILES_BESIDES_CONNECTIONS;
  if (chosen <= room) return chosen;
  const raise = 'raise the limit (`ulimit -n` before starting, LimitNOFILE= in a systemd unit, `ulimits: nofile:` in docker-compose)';
  if (room < 1) {
    throw new Error(
      `invalid configuration: the open-files limit (ulimit -n) is ${openFiles}, too low for the service, which keeps ${FILES_BESIDES_CONNECTIONS} files for its own use besides connections; ${raise}`,
    );
  }
  if (!setByOperator) return room;
  throw new Error(
    `invalid configuration: MAX_CONNECTIONS=${chosen} is more than this process can hold open: its open-files limit (ulimit -n) is ${openFiles} and the service keeps ${FILES_BESIDES_CONNECTIONS} for its own files. Set MAX_CONNECTIONS to at most ${room}, or ${raise}`,
  );
}

/**
 * TRUST_PROXY: `false`, a number of proxy hops, or a comma-separated list of proxy addresses or
 * CIDR ranges. `true` is refused: it believes every X-Forwarded-For, so any client could claim
 * any address and step around the rate limit with each request.
 */
function parseTrustProxy(value: string): Config['trustProxy'] {
  const text = value.trim();
  if (text === 'false' || text === '0') return false;
  if (/^\d+$/.test(text)) return Number(text);
  const addresses = text.split(',').map((address) => address.trim());
  const valid = (address: string) => {
    const [ip, bits, extra] = address.split('/');
    if (extra !== undefined || !ip || isIP(ip) === 0) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(ip) === 4 ? 32 : 128));
  };
  if (text !== 'true' && addresses.every(valid)) return addresses;
  throw new Error(
    `invalid configuration: TRUST_PROXY=${value} is not false, a number of proxies or a list of proxy addresses. ` +
      'Behind one reverse proxy set TRUST_PROXY=1 (or its address, e.g. TRUST_PROXY=10.0.0.5 or 10.0.0.0/8); ' +
      '"true" is refused because it would believe an X-Forwarded-For written by any client.',
  );
}

/**
 * TRUST_PROXY as fastify's `trustProxy`. Fastify takes a bare number as "trust nothing" (it cannot
 * check the peer), so a hop count becomes the function proxy-addr calls for each address from the
 * socket outwards: the first `hops` addresses are proxies, the next one is the client.
 */
export function fastifyTrustProxy(trustProxy: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trustProxy !== 'number') return trustProxy;
  const hops = trustProxy;
  return (_address, hop) => hop < hops;
}

/** 127.0.0.0/8, ::1 and `localhost`: addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A configuration for tests and tools: the defaults, then `overrides`. */
export function configWith(overrides: Partial<Config>): Config {
  return { ...loadConfig({}), ...overrides };
}

/** `builtin` is the database an npm package ships, `off` no lookup, anything else a file path. */
function countryDatabaseOf(value: string): string | undefined {
  if (value === 'off') return undefined;
  if (value === 'builtin') return defaultCountryDatabase();
  return resolve(value);
}
