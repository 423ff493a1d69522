// What the owner can do about each refusal, in one sentence that names the value and the file to
// change: the answer, the log and the overview's refused list all show it.
import { relative, isAbsolute } from 'node:path';
import type { RefusalReason } from '../events/event-input.js';
import { MAX_PROPS } from '../events/event-shape.js';
import { MAX_AGE_MS, MAX_AHEAD_MS } from '../events/to-event-row.js';

/** What a hint needs to know of the service: the catalog's file and its event types. */
export interface HintContext {
  /** The catalog file as configured (CATALOG_FILE). */
  catalogFile: string;
  eventTypes: Iterable<string>;
}

export interface RefusedItem {
  reason: string;
  value: string;
  site: string;
}

/** The catalog file as the owner would type it: relative to the working directory when inside it. */
export function shownPath(file: string): string {
  const inside = relative(process.cwd(), file);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
}

/** A data point's numbers that cannot be true (otlp/metrics/metric-rows.ts): its value is the metric's name. */
const INVALID_VALUE = 'invalid_value';

const HINTS: Record<RefusalReason | typeof INVALID_VALUE, (item: RefusedItem, catalog: string, context: HintContext) => string> = {
  unknown_site: ({ value }, catalog) => `add site \`${value}\` to \`${catalog}\`, or send the id of a site it lists`,
  no_site: ({ value }, catalog) =>
    value
      ? `add \`${value}\` to the origins of its site in \`${catalog}\`, or send the resource attribute \`portfolio.site\` (docs/otel-existing.md)`
      : `send the resource attribute \`portfolio.site\`, or send from a page whose origin a site of \`${catalog}\` lists (through the Collector: docs/otel-existing.md)`,
  unknown_origin: ({ value, site }, catalog) => `add \`${value}\` to the origins of site \`${site}\` in \`${catalog}\``,
  unknown_type: ({ value }, _, context) => `\`${value}\` is no event type; send one of ${[...context.eventTypes].join(', ')}`,
  unknown_object: ({ value, site }, catalog) => `add object \`${value}\` to a room of site \`${site}\` in \`${catalog}\``,
  unknown_room: ({ value, site }, catalog) => `add room \`${value}\` to site \`${site}\` in \`${catalog}\``,
  missing_field: ({ value }) => `send \`${value}\` with the event (docs/otlp-mapping.md)`,
  invalid_field: ({ value }) => `send \`${value || 'the event'}\` with the type and length the event shape allows (docs/limits.md)`,
  too_old: ({ value }) =>
    `an event of ${value} is more than ${MAX_AGE_MS / 3_600_000} hours old: send events when they happen, and check the sender's clock`,
  in_future: ({ value }) =>
    `an event of ${value} is more than ${MAX_AHEAD_MS / 60_000} minutes ahead of the service's clock: check the sender's clock`,
  too_many_props: ({ value }) => `the event has ${value}: send at most ${MAX_PROPS}`,
  undeclared_prop: ({ value, site }, catalog) =>
    `the property \`${value}\` was dropped from events of site \`${site}\` (the events were kept): add it to the site's \`props\` in \`${catalog}\`, or stop sending it`,
  bot: ({ value }) =>
    `the user agent \`${value}\` is a bot's; a test browser must send an ordinary browser's user agent for every request (Chromium: the \`--user-agent\` flag)`,
  invalid_value: ({ value }) =>
    `a point of \`${value}\` has a NaN or infinite number, a delta counter going down, or a browser count that is not a whole number within bounds: fix the sender's instrument`,
  privacy_signal: ({ value }) =>
    `the browser sent \`${value}\` and PRIVACY_SIGNAL_MODE is drop; set it to anonymise to count such visits without ids`,
};

/** What to do about one refused value; a reason this service does not know (yet) gets none. */
export function hintOf(item: RefusedItem, context: HintContext): string {
  // Own keys only: a reason named like an Object method (`toString`) is a reason with no hint.
  if (!Object.hasOwn(HINTS, item.reason)) return '';
  return HINTS[item.reason as keyof typeof HINTS](item, shownPath(context.catalogFile), context);
}

/** An OTLP partial success's message is cut to this many characters: a sender logs it whole. */
export const MAX_REFUSAL_MESSAGE_LENGTH = 1000;

/**
 * The message of an OTLP partial success: each reason's count, one of its values and what to do
 * (`spans refused: 2 unknown_origin (\`http://x\`: add ...)`), cut to MAX_REFUSAL_MESSAGE_LENGTH.
 */
export function refusalMessage<Item extends RefusedItem>(what: string, refused: readonly Item[], hint: (item: Item) => string): string {
  const byReason = new Map<string, { item: Item; count: number }>();
  for (const item of refused) {
    const group = byReason.get(item.reason);
    if (group) group.count += 1;
    else byReason.set(item.reason, { item, count: 1 });
  }
  const parts = [...byReason.values()].map(({ item, count }) => {
    const value = item.value ? `\`${item.value}\`: ` : '';
    return `${count} ${item.reason} (${value}${hint(item)})`;
  });
  const message = `${what} refused: ${parts.join('; ')}`;
  return message.length > MAX_REFUSAL_MESSAGE_LENGTH ? `${message.slice(0, MAX_REFUSAL_MESSAGE_LENGTH - 1)}…` : message;
}
