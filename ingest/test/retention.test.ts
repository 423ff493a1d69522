// Retention set by the owner: RETENTION_* variables checked at start-up, applied as table TTLs
// on the embedded engine, once (a restart with the same values changes nothing), and enforced:
// rows older than the retention are gone after a merge, younger ones stay.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyRetention, RETENTION_TABLES } from '../src/clickhouse/retention.js';
import { loadConfig } from '../src/config.js';
import { countOf, freshDataDir, queryRows, testApp } from './support/test-app.js';

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
        { name: 'engagement_steps', ttl: 'toDateTime(ts) + toIntervalDay(10)' },
        { name: 'events', ttl: 'toDateTime(ts) + toIntervalDay(10)' },
        { name: 'events_per_day', ttl: 'day + toIntervalDay(40)' },
        { name: 'events_per_hour', ttl: 'hour + toIntervalDay(40)' },
        { name: 'events_per_minute', ttl: 'minute + toIntervalDay(40)' },
        { name: 'hotspot_elements_per_span', ttl: 'start + toIntervalDay(40)' },
        { name: 'hotspots_per_hour', ttl: 'hour + toIntervalDay(40)' },
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

  // The hotspot rollups (hourly, and the hour, day and week rows of every page) are rollups like the others: counts of clicks on elements, no ids.
  it('sets the hotspot rollups to the rollups retention and drops their rows that start before it', async () => {
    const app = await testApp({ retention });
    const tables = [
      { table: 'hotspots_per_hour', start: 'hour', ttl: 'hour + toIntervalDay(40)' },
      { table: 'hotspot_elements_per_span', start: 'start', ttl: 'start + toIntervalDay(40)' },
    ];
    try {
      const ttls = await queryRows<{ name: string; ttl: string }>(
        app,
        `SELECT name, extract(create_table_query, 'TTL (.*?) SETTINGS') AS ttl FROM system.tables
         WHERE database = currentDatabase() AND name IN (${tables.map(({ table }) => `'${table}'`).join(', ')})`,
      );
      expect(Object.fromEntries(ttls.map((row) => [row.name, row.ttl]))).toEqual(
        Object.fromEntries(tables.map(({ table, ttl }) => [table, ttl])),
      );

      const day = 86_400_000;
      // Clicks from 60 days ago to a minute ago: hours, days and weeks on both sides of the 40 days.
      const ages = [60, 52, 45, 41.5, 39.5, 38, 30, 12, 1, 60_000 / day];
      const click = (age: number, i: number) => ({
        site: 'portfolio',
        type: 'ui_click',
        ts: new Date(Date.now() - age * day).toISOString().replace('T', ' ').replace('Z', ''),
        event_id: `click-${i}`,
        session_id: `s-${i}`,
        visitor_id: 'v',
        source: 'beacon',
        path: i % 2 === 0 ? '/' : '/work',
        props: { selector: '#buy', tag: 'button', viewport: 'desktop', x: '40', y: '60' },
        received_at: Date.now(),
      });
      await app.clickhouse.insert({
        table: 'events',
        format: 'JSONEachRow',
        values: ages.map(click),
        clickhouse_settings: { insert_deduplication_token: randomUUID() },
      });
      // Each click's hour, UTC day and UTC week (from Monday): a row of each table starts there.
      const cutoff = Math.floor(Date.now() / 1000) - 40 * 86_400;
      const starts = ages.map((age) => {
        const s = Math.floor((Date.now() - age * day) / 1000);
        const dayStart = s - (s % 86_400);
        // 1970-01-01 was a Thursday: Monday is three days on.
        const weekStart = s - ((s - 4 * 86_400) % (7 * 86_400));
        return { hour: s - (s % 3600), day: dayStart, week: weekStart - (weekStart % 86_400) };
      });
      // The clicks of the rows a table keeps: those starting at the cut-off or after (each click placed: a cell row too).
      const kept = (kinds: Record<string, 'hour' | 'day' | 'week'>) =>
        Object.entries(kinds)
          .map(([span, unit]) => ({ span, clicks: starts.filter((start) => start[unit] >= cutoff).length }))
          .filter((row) => row.clicks > 0);
      const expected: Record<string, Array<{ span: string; clicks: number }>> = {
        hotspots_per_hour: kept({ cell: 'hour', element: 'hour' }),
        hotspot_elements_per_span: kept({ day: 'day', hour: 'hour', week: 'week' }),
      };
      for (const { table, start } of tables) {
        // A merge applies the TTL (one may already have run in the background).
        await app.clickhouse.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
        const rows = await queryRows<{ span: string; clicks: number }>(
          app,
          `SELECT ${table === 'hotspots_per_hour' ? 'kind' : 'span'} AS span, sum(clicks) AS clicks FROM ${table} GROUP BY span ORDER BY span`,
        );
        expect(rows, table).toEqual(expected[table]);
        expect(await countOf(app, `SELECT count() AS n FROM ${table} WHERE ${start} < toDateTime(${cutoff})`), table).toBe(0);
      }
      // Four clicks' rows were dropped from every table: the check is not one of young clicks only.
      expect(starts.filter((start) => start.hour < cutoff)).toHaveLength(4);
    } finally {
      await app.close();
    }
  });
});
