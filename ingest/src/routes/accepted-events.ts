import type { FastifyInstance } from 'fastify';
import type { EventRow, RefusalReason } from '../events/event-row.js';

export interface Refusal {
  index: number;
  reason: RefusalReason;
}

/** Stores checked event rows (each id once) and counts what happened to every event of the request. */
export function storeEvents(
  app: FastifyInstance,
  source: 'beacon' | 'otlp',
  rows: readonly EventRow[],
  refused: readonly Refusal[],
): { accepted: number; duplicates: number } {
  const stored = app.pipeline.accept(
    'events',
    rows.map((row) => ({ key: `e|${row.site}|${row.event_id}`, row })),
  );
  const { metrics } = app;
  for (const row of stored) {
    metrics.eventsAccepted.inc({ site: row.site, type: row.type, source });
    if (row.type === 'object_click') metrics.objectClicks.inc({ site: row.site, object: row.object_id });
  }
  const duplicates = rows.length - stored.length;
  if (duplicates > 0) metrics.eventsDuplicate.inc({ source }, duplicates);
  for (const { reason } of refused) metrics.eventsRefused.inc({ reason, source });
  return { accepted: stored.length, duplicates };
}
