// The write-ahead log's lines: `events` and `otel_traces` rows as JSON arrays of the table's columns (cheaper to
// write and for the engine to read than objects), while segments an earlier release logged (JSON
// objects, or arrays of fewer columns before one was added at the end) are still replayed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventsTable, type EventRow } from '../src/tables/events.js';
import { type TraceRow, tracesTable } from '../src/tables/otel-traces.js';
import { beaconEvent, countOf, freshDataDir, postBeacon, testApp } from './support/test-app.js';

const waitFor = async (check: () => Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const row = (id: string): EventRow => ({
  site: 'portfolio',
  type: 'object_click',
  ts: Date.now(),
  event_id: id,
  session_id: 'formats',
  visitor_id: 'v-formats',
  source: 'beacon',
  path: '/room',
  referrer_host: '',
  object_id: 'guitar',
  room_id: 'studio',
  nav_from: '',
  nav_to: '',
  duration_ms: 0,
  props: { hand: 'left', quote: 'a "b" \\ c' },
  device: 'desktop',
  browser: 'Chrome',
  os: 'Linux',
  country: 'DE',
  utm_source: '',
  utm_medium: '',
  utm_campaign: '',
  utm_term: '',
  utm_content: '',
  received_at: Date.now(),
});

describe('lines of the write-ahead log', () => {
  it('hold an events row as a JSON array of the table columns, in order', () => {
    const stored = row('format-array-00');
    const line = eventsTable.serialize(stored);
    const values = JSON.parse(line) as unknown[];
    expect(Array.isArray(values)).toBe(true);
    expect(Object.fromEntries(eventsTable.columns!.map((column, index) => [column, values[index]]))).toEqual(stored);
  });

  it('hold a span as a JSON array of the otel_traces columns, in order', () => {
    const span: TraceRow = {
      Timestamp: '2026-01-02 03:04:05.123456789',
      TraceId: 'f00dfeedf00dfeedf00dfeedf00dfeed',
      SpanId: 'c0ffee0000000001',
      ParentSpanId: '',
      TraceState: '',
      SpanName: 'page_view',
      SpanKind: 'Internal',
      ServiceName: 'portfolio-web',
      ResourceAttributes: { 'service.name': 'portfolio-web' },
      ScopeName: 'test',
      ScopeVersion: '',
      SpanAttributes: { 'url.path': '/room' },
      Duration: '1000',
      StatusCode: 'Unset',
      StatusMessage: '',
      'Events.Timestamp': ['2026-01-02 03:04:05.123456789'],
      'Events.Name': ['mark'],
      'Events.Attributes': [{ key: 'value' }],
      'Links.TraceId': [],
      'Links.SpanId': [],
      'Links.TraceState': [],
      'Links.Attributes': [],
    };
    const values = JSON.parse(tracesTable.serialize(span)) as unknown[];
    expect(Object.fromEntries(tracesTable.columns!.map((column, index) => [column, values[index]]))).toEqual(span);
  });

  it('of an earlier release are replayed: JSON objects, and arrays of fewer columns than the table has now', async () => {
    const dataDir = freshDataDir();
    const walDir = join(dataDir, 'wal', 'events');
    mkdirSync(walDir, { recursive: true });
    const asObject = row('format-object-1');
    const shorter = row('format-shorter-1');
    const columnsBefore = eventsTable.columns!.slice(0, -1);
    writeFileSync(join(walDir, '00000000000000000001.ndjson'), `${JSON.stringify(asObject)}\n`);
    writeFileSync(
      join(walDir, '00000000000000000002.ndjson'),
      `${JSON.stringify(columnsBefore.map((column) => shorter[column as keyof EventRow]))}\n`,
    );

    const app = await testApp({ dataDir });
    try {
      await waitFor(async () => (await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'formats'")) === 2);
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE event_id = 'format-object-1' AND props['hand'] = 'left'")).toBe(1);
      // The column the shorter lines lack takes its default.
      expect(
        await countOf(app, "SELECT count() AS n FROM events WHERE event_id = 'format-shorter-1' AND toUnixTimestamp(received_at) = 0"),
      ).toBe(1);
      expect((await app.inject('/metrics')).body).toContain('footfall_rows_quarantined_total{table="events"} 0');
      // Their ids were read back from the log: sent again, both are duplicates.
      const again = await postBeacon(app, {
        events: [beaconEvent({ id: 'format-object-1', session: 'formats' }), beaconEvent({ id: 'format-shorter-1', session: 'formats' })],
      });
      expect(again.json()).toMatchObject({ accepted: 0, duplicates: 2 });
    } finally {
      await app.close();
    }
  });
});
