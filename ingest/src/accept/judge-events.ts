// The per-item judging loop, once for every source: each item of a request becomes a row or a
// refusal (with its refused value), judged against the catalog with what is known of its sender.
import type { Catalog } from '../catalog/catalog.js';
import { toEventRow, type Sender } from '../events/to-event-row.js';
import type { RefusalReason } from '../events/event-row.js';
import type { EventRow } from '../tables/index.js';
import type { JudgedSender } from './otlp-visitors.js';
import { refusalOf, type Refusal } from './refusals.js';

/**
 * The events of a beacon, all from one sender (refused whole when the sender is: a bot, a privacy
 * signal); `envelopeSite` and `origin` are the request's, named by refusals.
 */
export function judgeBeaconEvents(
  events: readonly unknown[],
  judged: JudgedSender,
  catalog: Catalog,
  envelopeSite?: string,
  origin?: string,
): { rows: EventRow[]; refused: Refusal[] } {
  const rows: EventRow[] = [];
  const refused: Refusal[] = [];
  const context = { origin, envelopeSite, defaultSite: catalog.defaultSite, senderValue: judged.refusal ? judged.value : undefined };
  events.forEach((event, index) => {
    if (judged.refusal) {
      refused.push(refusalOf(index, judged.refusal, event, context));
      return;
    }
    const checked = toEventRow(event, catalog, judged.sender);
    if (checked.row) rows.push(checked.row);
    else refused.push(refusalOf(index, checked.reason, event, context));
  });
  return { rows, refused };
}

/** One OTLP item (a span or a log record) and the analytics event it may carry. */
export interface OtlpItem {
  index: number;
  /** The event the item carries, when it has one. */
  event: unknown;
  /** The visitor's user agent, from the item or its resource. */
  userAgent: string | undefined;
}

/**
 * OTLP items, each judged by its own visitor: an item is kept unless its visitor is a bot or the
 * event it carries is refused; `kept` holds the indexes of the items to store.
 */
export function judgeOtlpItems(
  items: readonly OtlpItem[],
  visitorOf: (userAgent: string | undefined) => JudgedSender,
  catalog: Catalog,
  origin: string | undefined,
): { rows: EventRow[]; refused: Refusal[]; kept: Set<number> } {
  const rows: EventRow[] = [];
  const refused: Refusal[] = [];
  const kept = new Set<number>();
  for (const item of items) {
    const judged = visitorOf(item.userAgent);
    const outcome = judgeOtlpItem(item.event, judged, catalog);
    if (outcome.reason) {
      const senderValue = judged.refusal ? judged.value : undefined;
      refused.push(refusalOf(item.index, outcome.reason, item.event, { origin, defaultSite: catalog.defaultSite, senderValue }));
      continue;
    }
    if (outcome.row) rows.push(outcome.row);
    kept.add(item.index);
  }
  return { rows, refused, kept };
}

function judgeOtlpItem(
  event: unknown,
  judged: JudgedSender,
  catalog: Catalog,
): { row: EventRow | undefined; reason?: undefined } | { reason: RefusalReason; row?: undefined } {
  if (judged.refusal === 'bot') return { reason: 'bot' };
  if (event === undefined) return { row: undefined };
  if (judged.refusal) return { reason: judged.refusal };
  const checked = toEventRow(event, catalog, judged.sender as Sender);
  return checked.row ? { row: checked.row } : { reason: checked.reason };
}
