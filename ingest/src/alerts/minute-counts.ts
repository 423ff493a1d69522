// Events per site and minute of acceptance (`received_at`), as footfall_events_accepted_total
// counts them: the alert evaluator's input. No rollup is keyed by received time (events_per_minute
// is by the event's own `ts`), so this reads the events table; only the minutes not yet read are
// asked for each minute. An event is accepted only with a `ts` within a day before and 5 minutes
// after its acceptance, so the same bounds on `ts` let the engine skip the months and the parts of
// the sort key (site, type, ts) outside them: the cost does not grow with the events kept.
import type { ClickHouseClient } from '@clickhouse/client';
import { MAX_AGE_MS, MAX_AHEAD_MS } from '../events/to-event-row.js';

export interface MinuteCount {
  site: string;
  /** Epoch minute. */
  minute: number;
  events: number;
}

/** Events accepted per site and minute in the minutes [from, to) (epoch minutes). */
export async function readMinuteCounts(client: ClickHouseClient, from: number, to: number): Promise<MinuteCount[]> {
  // Numbers as numbers: counts of a minute fit a double exactly. The setting in the statement
  // (why: clickhouse/client.ts).
  const result = await client.query({
    query: `SELECT site, intDiv(toUnixTimestamp(received_at), 60) AS minute, count() AS events
            FROM events
            WHERE received_at >= fromUnixTimestamp({from:UInt32}) AND received_at < fromUnixTimestamp({to:UInt32})
              AND ts >= fromUnixTimestamp({tsFrom:UInt32}) AND ts <= fromUnixTimestamp({tsTo:UInt32})
            GROUP BY site, minute
            SETTINGS output_format_json_quote_64bit_integers = 0`,
    query_params: { from: from * 60, to: to * 60, tsFrom: from * 60 - MAX_AGE_MS / 1000, tsTo: to * 60 + MAX_AHEAD_MS / 1000 },
    format: 'JSONEachRow',
  });
  return result.json<MinuteCount>();
}

/** Each site's first minute with an accepted event: when its counter began. */
export async function readFirstMinutes(client: ClickHouseClient): Promise<Map<string, number>> {
  const result = await client.query({
    query: `SELECT site, intDiv(toUnixTimestamp(min(received_at)), 60) AS minute FROM events GROUP BY site
            SETTINGS output_format_json_quote_64bit_integers = 0`,
    format: 'JSONEachRow',
  });
  return new Map((await result.json<{ site: string; minute: number }>()).map((row) => [row.site, row.minute]));
}

/** The evaluator's input for every site with events: counts for each minute in [from, to), zeros filled. */
export function siteMinutes(rows: MinuteCount[], firsts: Map<string, number>, from: number, to: number) {
  const sites = new Map<string, Float64Array>();
  for (const row of rows) {
    if (row.minute < from || row.minute >= to) continue;
    let counts = sites.get(row.site);
    if (!counts) sites.set(row.site, (counts = new Float64Array(to - from)));
    counts[row.minute - from] = Number(row.events);
  }
  return [...sites].map(([site, counts]) => ({ site, from, counts, first: firsts.get(site) ?? from }));
}
