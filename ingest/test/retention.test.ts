// Retention set by the owner: RETENTION_* variables checked at start-up, applied as table TTLs
// on the embedded engine, once (a restart with the same values changes nothing), and enforced:
// rows older than the retention are gone after a merge, younger ones stay.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyRetention, RETENTION_TABLES } from '../src/clickhouse/retention.js';
import { loadConfig } from '../src/config.js';
import { countOf, freshDataDir, testApp } from './support/test-app.js';

describe('retention configuration', () => {
  it('has defaults within 25 months and refuses bad values by name', () => {
    expect(loadConfig({}).retention).toEqual({ eventsDays: 400, tracesDays: 30, metricsDays: 400, rollupsDays: 730 });
    expect(loadConfig({ RETENTION_TRACES_DAYS: '7', RETENTION_ROLLUPS_DAYS: '500' }).retention).toMatchObject({
      tracesDays: 7,
      rollupsDays: 500,
    });
    expect(() => loadConfig({ RETENTION_EVENTS_DAYS: '0' })).toThrow(/RETENTION_EVENTS_DAYS/);
    expect(() => loadConfig({ RETENTION_TRACES_DAYS: 'a month' })).toThrow(/RETENTION_TRACES_DAYS/);
    expect(() => loadConfig({ RETENTION_METRICS_DAYS: '36500' })).toThrow(/RETENTION_METRICS_DAYS/);
    expect(() => loadConfig({ RETENTION_EVENTS_DAYS: '90', RETENTION_ROLLUPS_DAYS: '60' })).toThrow(
      'invalid configuration: RETENTION_ROLLUPS_DAYS (60) must be at least RETENTION_EVENTS_DAYS (90); the rollups are what long ranges read',
    );
  });
});

describe('retention at start-up', () => {
  const retention = { eventsDays: 10, tracesDays: 3, metricsDays: 20, rollupsDays: 40 };

  it('sets every table TTL, once, and drops what is older', async () => {
    const dataDir = freshDataDir();
    const app = await testApp({ dataDir, retention });
    try {
      const ttls = await app.clickhouse.query({
        query: `SELECT name, extract(create_table_query, 'TTL (.*?) SETTINGS') AS ttl FROM system.tables
                WHERE database = currentDatabase() AND name IN {tables:Array(String)} ORDER BY name`,
        query_params: { tables: RETENTION_TABLES.map((entry) => entry.table) },
        format: 'JSONEachRow',
      });
      expect(await ttls.json()).toEqual([
        { name: 'events', ttl: 'toDateTime(ts) + toIntervalDay(10)' },
        { name: 'events_per_day', ttl: 'day + toIntervalDay(40)' },
        { name: 'events_per_hour', ttl: 'hour + toIntervalDay(40)' },
        { name: 'events_per_minute', ttl: 'minute + toIntervalDay(40)' },
        { name: 'metric_points', ttl: 'toDateTime(ts) + toIntervalDay(20)' },
        { name: 'otel_logs', ttl: 'TimestampTime + toIntervalDay(3)' },
        { name: 'otel_traces', ttl: 'toDateTime(Timestamp) + toIntervalDay(3)' },
        { name: 'visits_per_hour', ttl: 'hour + toIntervalDay(10)' },
      ]);
      // Applied again with the same values: nothing to change (no parts rewritten at each start).
      expect(await applyRetention(app.clickhouse, retention)).toEqual([]);

      const day = 86_400_000;
      const row = (id: string, age: number) => ({
        site: 'portfolio',
        type: 'page_view',
        ts: new Date(Date.now() - age).toISOString().replace('T', ' ').replace('Z', ''),
        event_id: id,
        session_id: `s-${id}`,
        visitor_id: 'v',
        source: 'beacon',
        path: '/',
        received_at: Date.now(),
      });
      await app.clickhouse.insert({
        table: 'events',
        format: 'JSONEachRow',
        values: [row('old-1', 12 * day), row('old-2', 11 * day), row('young-1', 9 * day), row('young-2', 60_000)],
        clickhouse_settings: { insert_deduplication_token: randomUUID() },
      });
      // A merge applies the TTL; the rollups keep the old rows' counts (40 days).
      await app.clickhouse.command({ query: 'OPTIMIZE TABLE events FINAL' });
      await app.clickhouse.command({ query: 'OPTIMIZE TABLE visits_per_hour FINAL' });
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE event_id LIKE 'old-%'")).toBe(0);
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE event_id LIKE 'young-%'")).toBe(2);
      expect(await countOf(app, 'SELECT sum(page_views) AS n FROM visits_per_hour')).toBe(2);
      expect(await countOf(app, "SELECT sum(events) AS n FROM events_per_day WHERE dimension = 'type'")).toBe(4);
    } finally {
      await app.close();
    }

    // A restart with a longer retention changes the tables it names, and only them.
    const again = await testApp({ dataDir, retention: { ...retention, tracesDays: 5 } });
    try {
      expect(await applyRetention(again.clickhouse, { ...retention, tracesDays: 5 })).toEqual([]);
      expect(await applyRetention(again.clickhouse, { ...retention, tracesDays: 6 })).toEqual(['otel_traces', 'otel_logs']);
    } finally {
      await again.close();
    }
  });
});
