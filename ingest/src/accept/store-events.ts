// Stores checked event rows (each id once) and counts what happened to every event of a request:
// accepted by site and type and clicks by object (once the write-ahead log holds them), duplicates,
// refusals by reason and their values.
import type { FastifyBaseLogger } from 'fastify';
import type { Catalog } from '../catalog/catalog.js';
import type { SelectorBound } from '../hotspots/selector-bound.js';
import type { Metrics } from '../metrics/registry.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { RefusedValues } from '../refusals/refused-values.js';
import type { EventRow } from '../tables/index.js';
import { LINK_CLICK } from '../events/to-event-row.js';
import { keepDeclaredProps } from './declared-props.js';
import { cut, type Refusal } from './refusals.js';

/** Where accepted events go and where what happened to them is counted (the app has all three). */
export interface EventStore {
  pipeline: Pipeline;
  metrics: Metrics;
  refusedValues: RefusedValues;
  catalog: Catalog;
  hotspotSelectors: SelectorBound;
}

export function storeEvents(
  store: EventStore,
  log: FastifyBaseLogger,
  source: 'beacon' | 'otlp',
  judged: readonly EventRow[],
  refused: readonly Refusal[],
): { accepted: number; duplicates: number } {
  const { metrics } = store;
  // Links within the site (or to no web address) are counted here and not stored.
  for (const { item, count } of countBy(
    judged.filter((row) => row.type === LINK_CLICK),
    (row) => `${row.site}|${row.nav_to !== ''}`,
  )) {
    metrics.linkClicksNotStored.inc({ site: item.site, link: item.nav_to ? 'internal' : 'not_web' }, count);
  }
  judged = judged.filter((row) => row.type !== LINK_CLICK);
  // Undeclared property keys leave their events here; the events are kept, the keys listed.
  const { rows, dropped } = keepDeclaredProps(store.hotspotSelectors.bound(judged), store.catalog);
  for (const { item, count } of countBy(dropped, (prop) => `${prop.site}|${prop.value}`)) {
    store.refusedValues.record({ ...item, value: cut(item.value) }, count);
  }
  // Counted once the write-ahead log holds them: a refused write is answered 503 and accepts nothing.
  const stored = store.pipeline.accept('events', rows, (logged) => countAccepted(metrics, source, logged));
  const duplicates = rows.length - stored.length;
  if (duplicates > 0) metrics.eventsDuplicate.inc({ source }, duplicates);
  for (const { item, count } of countBy(refused, (refusal) => refusal.reason)) {
    metrics.eventsRefused.inc({ reason: item.reason, source }, count);
  }
  for (const { item, count } of countBy(refused, (refusal) => `${refusal.reason}|${refusal.site}|${refusal.value}`)) {
    store.refusedValues.record(item, count);
  }
  if (refused.length > 0) log.info({ source, refused: refused.slice(0, 10), refusedCount: refused.length }, 'events refused');
  return { accepted: stored.length, duplicates };
}

/** The events the write-ahead log took, by site and type, and the clicks among them by object. */
function countAccepted(metrics: Metrics, source: 'beacon' | 'otlp', logged: readonly EventRow[]): void {
  // One counter update per label set, not per event: a beacon carries up to 100 events.
  for (const { item, count } of countBy(logged, (row) => `${row.site}|${row.type}`)) {
    metrics.eventsAccepted.inc({ site: item.site, type: item.type, source }, count);
  }
  const clicks = logged.filter((row) => row.type === 'object_click');
  for (const { item, count } of countBy(clicks, (row) => `${row.site}|${row.object_id}`)) {
    metrics.objectClicks.inc({ site: item.site, object: item.object_id }, count);
  }
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
