/**
 * Erasure (the GDPR's right to be forgotten): every stored row that can be tied to one visitor or
 * one session, in every table that holds a key of a person.
 *
 * The keys are found first, then every table is cleared by them:
 * - events: by visitor id and by session id. A visitor's events name its sessions, and the events
 *   of those sessions name the visitor ids made for them: a beacon's (site, IP and user agent) and
 *   an OTLP span's or log record's (site, session and user agent, accept/otlp-visitors.ts), which
 *   differ for one person who used both tiers. Visitor ids and sessions are followed to a fixed
 *   point, so no row of the person keeps a key that was not erased.
 * - otel_traces and otel_logs: by `session.id` (on the item or its resource) and by the trace ids
 *   of those spans and records, as a trace's other spans (a fetch inside a click) often carry no
 *   session of their own.
 * - metric_points: by `session.id` among a point's attributes (the only place a point stores it).
 * - visits_per_hour (the per-visit rollup) and engagement_steps (the folded engagement path): by
 *   the sessions' keys.
 * The refused values that are user agents those spans and log records name are returned too (a
 * bot's value is its user agent), and the refused values are cleared of them
 * (refusals/refused-values.ts). The route also clears the quarantine of the write-ahead log
 * (pipeline/quarantine-erasure.ts): rows ClickHouse refused are kept on disk, not in a table.
 * The per-minute, hourly and daily rollups keep their counts: they hold no ids, only numbers and
 * distinct-count states, from which no visitor or session can be read back.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { deleteFrom } from '../clickhouse/cluster-schema.js';
import { count, rows } from '../stats/run-query.js';

export interface Erased {
  events: number;
  traces: number;
  metric_points: number;
  logs: number;
}

/** The keys of one person: what every table is cleared by. */
export interface ErasedKeys {
  visitors: string[];
  sessions: string[];
  traces: string[];
  /** The refused values that are the visitors' user agents (as their spans and log records name them), as stored. */
  refusedAgents: string[];
}

/**
 * How many rounds of visitor ids → sessions → visitor ids are followed. A person's keys close in
 * two rounds (a visitor's sessions, those sessions' OTLP visitor ids); the bound only stops a
 * chain of shared keys from running on.
 */
const MAX_ROUNDS = 8;

/** `cluster`: the ClickHouse cluster the tables are on, whose sharded tables are erased on every server. */
export async function eraseSession(client: ClickHouseClient, sessionId: string, cluster?: string): Promise<Erased & { keys: ErasedKeys }> {
  // A session's own rows: its OTLP visitor ids are made from the session and name no other, and a
  // beacon visitor's other sessions are other visits, not this one.
  const sessions = [sessionId];
  const traces = await traceIdsOf(client, sessions);
  const keys = { visitors: [], sessions, traces, refusedAgents: await refusedAgentsOf(client, sessions, traces) };
  return { ...(await erase(client, keys, cluster)), keys };
}

export async function eraseVisitor(client: ClickHouseClient, visitorId: string, cluster?: string): Promise<Erased & { keys: ErasedKeys }> {
  const keys = await keysOfVisitor(client, visitorId);
  return { ...(await erase(client, keys, cluster)), keys };
}

/** A visitor id's sessions, their other visitor ids, theirs sessions... to a fixed point. */
async function keysOfVisitor(client: ClickHouseClient, visitorId: string): Promise<ErasedKeys> {
  const visitors = new Set([visitorId]);
  const sessions = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const found = await rows<{ visitor_id: string; session_id: string }>(
      client,
      `SELECT DISTINCT visitor_id, session_id FROM events
       WHERE visitor_id IN {visitors:Array(String)} OR session_id IN {sessions:Array(String)}`,
      { visitors: [...visitors], sessions: [...sessions] },
    );
    const before = visitors.size + sessions.size;
    // Empty ids are those of anonymised events (Do Not Track): they tie nothing to anyone.
    for (const row of found) {
      if (row.visitor_id !== '') visitors.add(row.visitor_id);
      if (row.session_id !== '') sessions.add(row.session_id);
    }
    if (visitors.size + sessions.size === before) break;
  }
  const traces = await traceIdsOf(client, [...sessions]);
  return { visitors: [...visitors], sessions: [...sessions], traces, refusedAgents: await refusedAgentsOf(client, [...sessions], traces) };
}

const TRACE_SESSION = `(SpanAttributes['session.id'] IN {sessions:Array(String)} OR ResourceAttributes['session.id'] IN {sessions:Array(String)})`;
const LOG_SESSION = `(LogAttributes['session.id'] IN {sessions:Array(String)} OR ResourceAttributes['session.id'] IN {sessions:Array(String)})`;

/** The traces the sessions' spans and log records belong to. */
async function traceIdsOf(client: ClickHouseClient, sessions: string[]): Promise<string[]> {
  if (sessions.length === 0) return [];
  const found = await rows<{ id: string }>(
    client,
    `SELECT DISTINCT TraceId AS id FROM otel_traces WHERE ${TRACE_SESSION}
     UNION DISTINCT SELECT DISTINCT TraceId AS id FROM otel_logs WHERE ${LOG_SESSION} AND TraceId != ''`,
    { sessions },
  );
  return found.map((row) => row.id);
}

/** What `cut` ends a shortened value with, and its length in UTF-8 bytes (ClickHouse's `length`). */
const ELLIPSIS = '\u2026';
const ELLIPSIS_BYTES = Buffer.byteLength(ELLIPSIS);

/**
 * The refused values that are one of the user agents the sessions' spans and log records name (on
 * the item or its resource): the values `refusedValues.forget` must drop. Bounded by what is kept,
 * not by what the person sent: a bot's refused values are at most MAX_VALUES_PER_REASON per site
 * and day, kept 31 days (refusals/refused-values.ts), so the answer never outgrows that however
 * many user agents the sessions name (a sender can put a new one on every span); those are
 * compared inside ClickHouse and never read out. A value is stored cut (accept/refusals.ts `cut`):
 * a cut one (ending in `…`) stands for every agent it is the start of.
 */
async function refusedAgentsOf(client: ClickHouseClient, sessions: string[], traces: string[]): Promise<string[]> {
  if (sessions.length === 0) return [];
  const found = await rows<{ value: string }>(
    client,
    `SELECT DISTINCT kept.value AS value
     FROM (
       SELECT DISTINCT agent FROM (
         SELECT arrayJoin([SpanAttributes['user_agent.original'], ResourceAttributes['user_agent.original']]) AS agent
         FROM otel_traces WHERE ${TRACE_SESSION} OR TraceId IN {traces:Array(String)}
         UNION ALL
         SELECT arrayJoin([LogAttributes['user_agent.original'], ResourceAttributes['user_agent.original']]) AS agent
         FROM otel_logs WHERE ${LOG_SESSION} OR TraceId IN {traces:Array(String)})
       WHERE agent != '') AS agents
     CROSS JOIN (SELECT DISTINCT value FROM refused_values WHERE reason = 'bot' AND NOT others AND value != '') AS kept
     WHERE agents.agent = kept.value
        OR (endsWith(kept.value, '${ELLIPSIS}') AND startsWith(agents.agent, substring(kept.value, 1, length(kept.value) - ${ELLIPSIS_BYTES})))`,
    { sessions, traces },
  );
  return found.map((row) => row.value);
}

async function erase(client: ClickHouseClient, keys: ErasedKeys, cluster: string | undefined): Promise<Erased> {
  const params = { ...keys };
  const targets = [
    { table: 'events', where: 'visitor_id IN {visitors:Array(String)} OR session_id IN {sessions:Array(String)}' },
    { table: 'otel_traces', where: `${TRACE_SESSION} OR TraceId IN {traces:Array(String)}` },
    { table: 'metric_points', where: `attributes['session.id'] IN {sessions:Array(String)}` },
    { table: 'otel_logs', where: `${LOG_SESSION} OR TraceId IN {traces:Array(String)}` },
  ];
  const erased: number[] = [];
  for (const { table, where } of targets) {
    const [found] = await rows<{ n: string }>(client, `SELECT count() AS n FROM ${table} WHERE ${where}`, params);
    const n = count(found?.n);
    // A lightweight DELETE hides the rows at once and drops them at the next merge; mutations_sync
    // waits for it, so the answer is only sent once the rows are gone.
    if (n > 0) {
      await client.command({
        query: `${deleteFrom(table, cluster)} WHERE ${where} SETTINGS mutations_sync = 2`,
        query_params: params,
      });
    }
    erased.push(n);
  }
  // The per-visit rollup and the folded engagement path (engagement-fold/) hold a key per visit.
  for (const table of keys.sessions.length > 0 ? ['visits_per_hour', 'engagement_steps'] : []) {
    await client.command({
      query: `${deleteFrom(table, cluster)} WHERE session_key IN (SELECT cityHash64(arrayJoin({sessions:Array(String)}))) SETTINGS mutations_sync = 2`,
      query_params: params,
    });
  }
  return { events: erased[0]!, traces: erased[1]!, metric_points: erased[2]!, logs: erased[3]! };
}
