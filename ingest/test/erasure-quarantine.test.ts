// Erasure reaches the rows ClickHouse refused for their data: they are kept on disk in the
// write-ahead log's quarantine (`<table>/rejected/`), not in a table, and a person's rows there go
// with the rest of them, by the same keys; another person's quarantined rows stay as they were.
// Rows are refused by the real engine for a real reason (a negative number in an unsigned column,
// as batch-split.test.ts makes them); the quarantine is a real folder.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../src/tables/index.js';
import { countOf, testApp } from './support/test-app.js';

const TOKEN = 'erasure-quarantine-token';

function row(id: string, visitor: string, session: string, durationMs = 0): EventRow {
  const now = Date.now();
  const fields = { site: 'portfolio', type: 'page_view', ts: now, event_id: id, visitor_id: visitor, session_id: session, path: '/' };
  // A negative duration is what the engine refuses (CANNOT_PARSE_NUMBER): a row of the wrong shape on purpose, hence the cast.
  return { ...fields, duration_ms: durationMs, received_at: now } as unknown as EventRow;
}

/** Every line of every quarantined file of a table, parsed. */
function quarantined(dataDir: string, table: string): Array<Record<string, unknown>> {
  const dir = join(dataDir, 'wal', table, 'rejected');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ndjson'))
    .flatMap((name) => readFileSync(join(dir, name), 'utf8').trim().split('\n'))
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('erasing a person whose rows ClickHouse refused', () => {
  it('removes their quarantined rows only, counts them, and rewrites the file whole', async () => {
    const app = await testApp({ statsToken: TOKEN, batchIntervalMs: 600_000 });
    try {
      // One batch: each person has a row the engine takes and one it refuses.
      app.pipeline.accept('events', [
        row('alice-kept', 'alice-visitor', 'alice-visit'),
        row('alice-refused', 'alice-visitor', 'alice-visit', -5),
        row('bob-refused', 'bob-visitor', 'bob-visit', -5),
        row('bob-kept', 'bob-visitor', 'bob-visit'),
      ]);
      // A log record of each set aside in otel_logs' quarantine, as the writer leaves it: the
      // person's names only her session (on the resource) and trace.
      const logsRejected = join(app.dataDir, 'wal', 'otel_logs', 'rejected');
      mkdirSync(logsRejected, { recursive: true });
      const logLine = (session: string, traceId: string) =>
        JSON.stringify({ LogId: `log-${session}`, TraceId: traceId, LogAttributes: {}, ResourceAttributes: { 'session.id': session } });
      writeFileSync(
        join(logsRejected, '00000000000000000042.ndjson'),
        `${logLine('alice-visit', 'aa11')}\n${logLine('bob-visit', 'bb22')}\n`,
      );

      expect(await app.pipeline.flush(30_000)).toBe(true);
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE event_id IN ('alice-kept', 'bob-kept')")).toBe(2);
      expect(quarantined(app.dataDir, 'events').map((line) => line.event_id)).toEqual(['alice-refused', 'bob-refused']);
      const eventsRejected = join(app.dataDir, 'wal', 'events', 'rejected');
      const [eventsFile] = readdirSync(eventsRejected);
      const bobLine = readFileSync(join(eventsRejected, eventsFile!), 'utf8').split('\n')[1];

      const response = await app.inject({
        method: 'DELETE',
        url: '/api/visitors/alice-visitor',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().deleted).toEqual({ events: 1, traces: 0, metric_points: 0, logs: 0, quarantined: 2 });

      expect(quarantined(app.dataDir, 'events').map((line) => line.event_id)).toEqual(['bob-refused']);
      expect(quarantined(app.dataDir, 'otel_logs').map((line) => line.LogId)).toEqual(['log-bob-visit']);
      // Bob's line is kept byte for byte, in the same file; no partial rewrite is left beside it.
      expect(readdirSync(eventsRejected)).toEqual([eventsFile]);
      expect(readFileSync(join(eventsRejected, eventsFile!), 'utf8')).toBe(`${bobLine}\n`);
      expect(readdirSync(logsRejected)).toEqual(['00000000000000000042.ndjson']);

      // Bob's own erasure takes his last quarantined rows: the files go.
      const bob = await app.inject({ method: 'DELETE', url: '/api/sessions/bob-visit', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(bob.json().deleted).toMatchObject({ events: 1, quarantined: 2 });
      expect(readdirSync(eventsRejected)).toEqual([]);
      expect(readdirSync(logsRejected)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
