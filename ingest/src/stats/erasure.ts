/**
 * Erasure (the GDPR's right to be forgotten): every stored row of one session or one visitor, in
 * events, otel_traces, metric_points and otel_logs. Spans, data points and log records carry the
 * session id, never the visitor id (it is made by this service), so a visitor's spans are found
 * through the sessions its events name. The per-visit rollup (visits_per_hour) holds a key per
 * visit: those visits' rows go too. The per-minute, hourly and daily rollups keep their counts:
 * they hold no ids, only numbers and distinct-count states.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { count, rows } from './query.js';

export interface Erased {
  events: number;
  traces: number;
  metric_points: number;
  logs: number;
}

export async function eraseSession(client: ClickHouseClient, sessionId: string): Promise<Erased> {
  return erase(client, 'session_id = {id:String}', sessionId, [sessionId]);
}

export async function eraseVisitor(client: ClickHouseClient, visitorId: string): Promise<Erased> {
  const sessions = await rows<{ session_id: string }>(
    client,
    `SELECT DISTINCT session_id FROM events WHERE visitor_id = {id:String} AND session_id != ''`,
    { id: visitorId },
  );
  return erase(
    client,
    'visitor_id = {id:String}',
    visitorId,
    sessions.map((row) => row.session_id),
  );
}

async function erase(client: ClickHouseClient, eventsWhere: string, id: string, sessions: string[]): Promise<Erased> {
  const params = { id, sessions };
  const targets = [
    { table: 'events', where: eventsWhere },
    {
      table: 'otel_traces',
      where: `(SpanAttributes['session.id'] IN {sessions:Array(String)} OR ResourceAttributes['session.id'] IN {sessions:Array(String)})`,
    },
    { table: 'metric_points', where: `attributes['session.id'] IN {sessions:Array(String)}` },
    {
      table: 'otel_logs',
      where: `(LogAttributes['session.id'] IN {sessions:Array(String)} OR ResourceAttributes['session.id'] IN {sessions:Array(String)})`,
    },
  ];
  const erased: number[] = [];
  for (const { table, where } of targets) {
    const [found] = await rows<{ n: string }>(client, `SELECT count() AS n FROM ${table} WHERE ${where}`, params);
    const n = count(found?.n);
    // A lightweight DELETE hides the rows at once and drops them at the next merge; mutations_sync
    // waits for it, so the answer is only sent once the rows are gone.
    if (n > 0) {
      await client.command({
        query: `DELETE FROM ${table} WHERE ${where}`,
        query_params: params,
        clickhouse_settings: { mutations_sync: '2' },
      });
    }
    erased.push(n);
  }
  if (sessions.length > 0) {
    await client.command({
      query: 'DELETE FROM visits_per_hour WHERE session_key IN (SELECT cityHash64(arrayJoin({sessions:Array(String)})))',
      query_params: params,
      clickhouse_settings: { mutations_sync: '2' },
    });
  }
  return { events: erased[0]!, traces: erased[1]!, metric_points: erased[2]!, logs: erased[3]! };
}
