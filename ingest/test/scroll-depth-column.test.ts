// The `scroll_depth` column (migration 0030), computed from props when a row is written, and for
// rows stored before the migration when they are read: both agree with the props they carry.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../src/clickhouse/migrate.js';
import { queryRows, testApp } from './support/test-app.js';

const row = (id: string, props: Record<string, string>) =>
  `('portfolio', 'time_spent', now64(3), '${id}', 's1', 'v1', 'beacon', '/', map(${Object.entries(props)
    .map(([key, value]) => `'${key}', '${value}'`)
    .join(', ')}), now64(3))`;
const insert = (...rows: string[]) =>
  `INSERT INTO events (site, type, ts, event_id, session_id, visitor_id, source, path, props, received_at) VALUES ${rows.join(', ')}`;

describe('scroll_depth column', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('holds props.scroll_depth of new rows and of rows stored before the migration, 0 when absent', async () => {
    // As before the migration: the table without the column, a row written, then the migration's ALTER.
    await app.clickhouse.command({ query: 'ALTER TABLE events DROP COLUMN scroll_depth' });
    await app.clickhouse.command({ query: insert(row('old-00000001', { scroll_depth: '73' }), row('old-00000002', { plan: 'pro' })) });
    await app.clickhouse.command({ query: readFileSync(`${MIGRATIONS_DIR}/0030_add_scroll_depth.sql`, 'utf8') });
    await app.clickhouse.command({ query: insert(row('new-00000001', { scroll_depth: '100', plan: 'pro' })) });
    const rows = await queryRows<{ event_id: string; scroll_depth: number; from_props: number }>(
      app,
      "SELECT event_id, scroll_depth, toUInt8OrZero(props['scroll_depth']) AS from_props FROM events ORDER BY event_id",
    );
    expect(rows.map((found) => [found.event_id, Number(found.scroll_depth)])).toEqual([
      ['new-00000001', 100],
      ['old-00000001', 73],
      ['old-00000002', 0],
    ]);
    for (const found of rows) expect(Number(found.scroll_depth)).toBe(Number(found.from_props));
  });
});
