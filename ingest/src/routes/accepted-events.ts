import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RefusalReason } from '../events/event-row.js';
import type { EventRow } from '../tables/index.js';

export interface Refusal {
  index: number;
  reason: RefusalReason;
  /** The refused value (an unknown object id...), shown to the owner by `/api/stats` `refused`. */
  value?: string;
}

/** Stores checked event rows (each id once) and counts what happened to every event of the request. */
export function storeEvents(
  app: FastifyInstance,
  request: FastifyRequest,
  source: 'beacon' | 'otlp',
  rows: readonly EventRow[],
  refused: readonly Refusal[],
): { accepted: number; duplicates: number } {
  const stored = app.pipeline.accept('events', rows);
  const { metrics } = app;
  // One counter update per label set, not per event: a beacon carries up to 100 events.
  for (const { item, count } of countBy(stored, (row) => `${row.site}|${row.type}`)) {
    metrics.eventsAccepted.inc({ site: item.site, type: item.type, source }, count);
  }
  const clicks = stored.filter((row) => row.type === 'object_click');
  for (const { item, count } of countBy(clicks, (row) => `${row.site}|${row.object_id}`)) {
    metrics.objectClicks.inc({ site: item.site, object: item.object_id }, count);
  }
  const duplicates = rows.length - stored.length;
  if (duplicates > 0) metrics.eventsDuplicate.inc({ source }, duplicates);
  for (const { item, count } of countBy(refused, (refusal) => refusal.reason)) {
    metrics.eventsRefused.inc({ reason: item.reason, source }, count);
  }
  for (const { item, count } of countBy(refused, (refusal) => `${refusal.reason}|${refusal.value ?? ''}`)) {
    app.refusedValues.record(item.reason, item.value ?? '', count);
  }
  if (refused.length > 0) request.log.info({ source, refused: refused.slice(0, 10), refusedCount: refused.length }, 'events refused');
  return { accepted: stored.length, duplicates };
}

/** The items grouped by `keyOf`: one item of each group and how many the group holds. */
function countBy<Item>(items: readonly Item[], keyOf: (item: Item) => string): Iterable<{ item: Item; count: number }> {
  const groups = new Map<string, { item: Item; count: number }>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { item, count: 1 });
  }
  return groups.values();
}
