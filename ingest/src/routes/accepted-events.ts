import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EventRow, RefusalReason } from '../events/event-row.js';
import { serializeEventRow } from '../events/serialize-event-row.js';

export interface Refusal {
  index: number;
  reason: RefusalReason;
}

/** Stores checked event rows (each id once) and counts what happened to every event of the request. */
export function storeEvents(
  app: FastifyInstance,
  request: FastifyRequest,
  source: 'beacon' | 'otlp',
  rows: readonly EventRow[],
  refused: readonly Refusal[],
): { accepted: number; duplicates: number } {
  const stored = app.pipeline.accept(
    'events',
    rows.map((row) => ({ key: `e|${row.site}|${row.event_id}`, row })),
    serializeEventRow,
  );
  const { metrics } = app;
  // One counter update per label set, not per event: a beacon carries up to 100 events.
  for (const { row, count } of countBy(stored, (row) => `${row.site}|${row.type}`)) {
    metrics.eventsAccepted.inc({ site: row.site, type: row.type, source }, count);
  }
  const clicks = stored.filter((row) => row.type === 'object_click');
  for (const { row, count } of countBy(clicks, (row) => `${row.site}|${row.object_id}`)) {
    metrics.objectClicks.inc({ site: row.site, object: row.object_id }, count);
  }
  const duplicates = rows.length - stored.length;
  if (duplicates > 0) metrics.eventsDuplicate.inc({ source }, duplicates);
  for (const { reason } of refused) metrics.eventsRefused.inc({ reason, source });
  if (refused.length > 0) request.log.info({ source, refused: refused.slice(0, 10), refusedCount: refused.length }, 'events refused');
  return { accepted: stored.length, duplicates };
}

/** The rows grouped by `keyOf`: one row of each group and how many the group holds. */
function countBy(rows: readonly EventRow[], keyOf: (row: EventRow) => string): Iterable<{ row: EventRow; count: number }> {
  const groups = new Map<string, { row: EventRow; count: number }>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { row, count: 1 });
  }
  return groups.values();
}
