import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOverrides } from '../../src/app.js';
import { configWith, type Config } from '../../src/config.js';

export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const SITE_ORIGIN = 'http://localhost:5173';

export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'footfall-test-'));
}

/** The service on the embedded engine in a fresh data directory, quiet and without a rate limit. */
export async function testApp(config: Partial<Config> = {}, overrides: AppOverrides = {}): Promise<FastifyInstance & { dataDir: string }> {
  const dataDir = config.dataDir ?? freshDataDir();
  const app = await buildApp(
    configWith({ dataDir, rateLimitPerMinute: 0, rateLimitOtlpPerMinute: 0, batchIntervalMs: 50, logLevel: 'silent', ...config }),
    overrides,
  );
  await app.ready();
  return Object.assign(app, { dataDir });
}

/** A valid beacon event; fields can be replaced or added. */
export function beaconEvent(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: `evt-${randomUUID()}`, type: 'page_view', ts: Date.now(), session: 'session-1', path: '/', ...fields };
}

export async function postBeacon(app: FastifyInstance, body: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/beacon',
    headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA, ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Rows of a ClickHouse query, after everything accepted was written. */
export async function queryRows<Row = Record<string, unknown>>(app: FastifyInstance, query: string): Promise<Row[]> {
  if (!(await app.pipeline.flush(30_000))) throw new Error('rows accepted were not all written to ClickHouse within 30 s');
  const result = await app.clickhouse.query({ query, format: 'JSONEachRow' });
  return result.json<Row>();
}

export async function countOf(app: FastifyInstance, query: string): Promise<number> {
  const [row] = await queryRows<{ n: string }>(app, query);
  return Number(row?.n ?? 0);
}
