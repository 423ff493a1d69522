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
  // Links within the site (or to no web address) are counted here and not stored. Most requests
  // carry none: their rows go on as they are, with no copy made.
  if (judged.some((row) => row.type === LINK_CLICK)) {
    for (const { item, count } of countBy(
      judged.filter((row) => row.type === LINK_CLICK),
      (row) => `${row.site}|${row.nav_to !== ''}`,
    )) {
      metrics.linkClicksNotStored.inc({ site: item.site, link: item.nav_to ? 'internal' : 'not_web' }, count);
    }
    judged = judged.filter((row) => row.type !== LINK_CLICK);
  }
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

/**
 * The events the write-ahead log took, by site and type, and the clicks among them by object.
 * One counter update per label set, not per event (a beacon carries up to 100 events), counted in
 * maps by site, then by type or object: no key string made per event.
 */
function countAccepted(metrics: Metrics, source: 'beacon' | 'otlp', logged: readonly EventRow[]): void {
  const types: Counts = new Map();
  const clicks: Counts = new Map();
  for (const row of logged) {
    countPair(types, row.site, row.type);
    if (row.type === 'object_click') countPair(clicks, row.site, row.object_id);
  }
  for (const [site, counts] of types) {
    for (const [type, count] of counts) metrics.eventsAccepted.inc({ site, type, source }, count);
  }
  for (const [site, counts] of clicks) {
    for (const [object, count] of counts) metrics.objectClicks.inc({ site, object }, count);
  }
}

/** Counts by a first and a second label. */
type Counts = Map<string, Map<string, number>>;

function countPair(counts: Counts, first: string, second: string): void {
  let inner = counts.get(first);
  if (!inner) counts.set(first, (inner = new Map()));
  inner.set(second, (inner.get(second) ?? 0) + 1);
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
