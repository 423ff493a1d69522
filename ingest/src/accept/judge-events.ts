// The per-item judging loop, once for every source: each item of a request becomes a row or a
// refusal (with its refused value), judged against the catalog with what is known of its sender.
import type { Catalog } from '../catalog/catalog.js';
import { toEventRow, type Sender } from '../events/to-event-row.js';
import type { RefusalReason } from '../events/event-input.js';
import type { EventRow } from '../tables/index.js';
import type { JudgedSender, OtlpVisitor } from './otlp-visitors.js';
import { siteOfOrigin } from './otlp-sites.js';
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
  /** Whether the event is a standard instrumentation's (standard-telemetry.ts), not declared by `portfolio.event.type`. */
  standard?: boolean;
  /** The page's origin the Collector kept (`portfolio.origin`). */
  origin?: string;
}

/** What an OTLP request's items are judged with. */
export interface OtlpJudging {
  visitorOf: (userAgent: string | undefined) => OtlpVisitor;
  catalog: Catalog;
  /** The request's Origin header: a page sending straight in. */
  origin: string | undefined;
  /** Counts an item that carries no analytics event and is kept (a span or log record of no figure). */
  notAnalytic?: () => void;
}

/**
 * OTLP items, each judged by its own visitor: an item is kept unless its visitor is a bot or the
 * event it carries is refused; `kept` holds the indexes of the items to store.
 */
export function judgeOtlpItems(
  items: readonly OtlpItem[],
  { visitorOf, catalog, origin, notAnalytic }: OtlpJudging,
): { rows: EventRow[]; refused: Refusal[]; kept: Set<number> } {
  const rows: EventRow[] = [];
  const refused: Refusal[] = [];
  const kept = new Set<number>();
  const senderOf = senderPerRun();
  for (const item of items) {
    const judged = visitorOf(item.userAgent);
    const pageOrigin = origin ?? item.origin;
    const event = withSite(item.event, catalog, pageOrigin);
    const outcome = judgeOtlpItem(event, item.standard === true, judged, catalog, pageOrigin, senderOf);
    if (outcome.reason) {
      const senderValue = judged.refusal ? judged.value : undefined;
      const context = { origin: pageOrigin, defaultSite: siteOfOrigin(catalog, pageOrigin) ?? catalog.defaultSite, senderValue };
      refused.push(refusalOf(item.index, outcome.reason, event, context));
      continue;
    }
    if (outcome.row) rows.push(outcome.row);
    else notAnalytic?.();
    kept.add(item.index);
  }
  return { rows, refused, kept };
}

/**
 * The event with its site: the one it names (`portfolio.site`), else the site whose origins list
 * the page's origin; left without one when neither is known (then refused as `no_site`).
 */
function withSite(event: unknown, catalog: Catalog, origin: string | undefined): unknown {
  if (typeof event !== 'object' || event === null) return event;
  const fields = event as { site?: unknown };
  if (fields.site !== undefined) return event;
  const site = siteOfOrigin(catalog, origin);
  if (site !== undefined) fields.site = site;
  return event;
}

/** The sender of an item's row, as `senderPerRun` makes it. */
type SenderOf = (judged: OtlpVisitor, pageOrigin: string | undefined) => Sender;

/**
 * The sender of the rows of a visitor's items seen from one page origin, made once for a run of
 * items that share both (the spans of a resource, usually all of a request's), not once per item:
 * a copy of a dozen fields per span. Nothing changes a sender once made.
 */
function senderPerRun(): SenderOf {
  let last: { judged: OtlpVisitor; pageOrigin: string | undefined; sender: Sender } | undefined;
  return (judged, pageOrigin) => {
    if (last?.judged !== judged || last.pageOrigin !== pageOrigin) {
      last = { judged, pageOrigin, sender: { ...(judged.sender as Sender), pageOrigin } };
    }
    return last.sender;
  };
}

function judgeOtlpItem(
  event: unknown,
  standard: boolean,
  judged: OtlpVisitor,
  catalog: Catalog,
  pageOrigin: string | undefined,
  senderOf: SenderOf,
): { row: EventRow | undefined; reason?: undefined } | { reason: RefusalReason; row?: undefined } {
  if (judged.refusal === 'bot') return { reason: 'bot' };
  if (event === undefined) return { row: undefined };
  if (judged.refusal) return { reason: judged.refusal };
  const fields = event as { site?: unknown; session?: unknown };
  // A standard item whose type the catalog does not take (`ui_click` unlisted) is telemetry only.
  if (standard && !catalog.eventTypes.has(String((event as { type?: unknown }).type))) return { row: undefined };
  // Never the catalog's first site by default: the owner would count another site's visits.
  if (fields.site === undefined) return { reason: 'no_site' };
  // Standard telemetry without web-common's session processor: a session made as the visitor id is.
  if (standard && fields.session === undefined && typeof fields.site === 'string') fields.session = judged.sessionWithoutId(fields.site);
  const checked = toEventRow(event, catalog, senderOf(judged, pageOrigin));
  return checked.row ? { row: checked.row } : { reason: checked.reason };
}
