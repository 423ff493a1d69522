// What a request was refused, in one shape for every source: each refused item's index, its
// reason, the value that made it (the unknown site, origin, object; the bot's user agent...) and
// the site it names; and the one-line summary every answer uses.
import type { EventInput, RefusalReason } from '../events/event-input.js';
import { shapeField } from '../events/event-shape.js';

/** The largest time, in ms either side of 1970, that a Date can hold. */
const MAX_DATE_MS = 8.64e15;

/** Refused values go into answers, log lines and ClickHouse: cut to this many characters. */
export const MAX_VALUE_LENGTH = 64;

export interface Refusal {
  index: number;
  reason: RefusalReason;
  /** The refused value, shown to the owner by the answer and `/api/stats` `refused`. */
  value: string;
  /** The site the item names (or its envelope, or the catalog's default): whose owner can act. */
  site: string;
}

/** What is known of an item's request beyond the item itself. */
export interface RefusalContext {
  /** The request's Origin header (a page's origin). */
  origin?: string;
  /** The site of the request's envelope, for events that name none. */
  envelopeSite?: string;
  defaultSite: string;
  /** The value of a sender refused whole: its user agent (a bot), its privacy signal. */
  senderValue?: string;
}

const FIELD_OF: Partial<Record<RefusalReason, keyof EventInput>> = {
  unknown_type: 'type',
  unknown_object: 'object',
  unknown_room: 'room',
};

/** The field an event type cannot go without (toEventRow's `missing` check). */
const NEEDED_BY_TYPE: Record<string, keyof EventInput> = {
  object_click: 'object',
  object_view: 'object',
  room_enter: 'room',
  room_exit: 'room',
  navigation: 'to',
  time_spent: 'duration_ms',
};

/** The refusal of one item: its value and site worked out from the item and its request. */
export function refusalOf(index: number, reason: RefusalReason, input: unknown, context: RefusalContext): Refusal {
  const event = (typeof input === 'object' && input !== null ? input : {}) as Partial<Record<keyof EventInput, unknown>>;
  const named = typeof event.site === 'string' ? event.site : undefined;
  const site = named ?? context.envelopeSite ?? context.defaultSite;
  return { index, reason, value: cut(refusedValueOf(reason, input, event, site, context)), site: cut(site) };
}

function refusedValueOf(
  reason: RefusalReason,
  input: unknown,
  event: Partial<Record<keyof EventInput, unknown>>,
  site: string,
  context: RefusalContext,
): string {
  switch (reason) {
    case 'unknown_site':
      return site;
    case 'unknown_origin':
    case 'no_site':
      return context.origin ?? '';
    case 'bot':
    case 'privacy_signal':
      return context.senderValue ?? '';
    case 'missing_field':
    case 'invalid_field': {
      const field = shapeField(input);
      return field || (NEEDED_BY_TYPE[String(event.type)] ?? '');
    }
    case 'too_many_props':
      return `${Object.keys(event.props ?? {}).length} props`;
    case 'too_old':
    case 'in_future':
      if (typeof event.ts !== 'number' || !Number.isFinite(event.ts)) return '';
      // A Date holds ±8.64e15 ms; a time past it (1e308) is named as the number sent.
      return Math.abs(event.ts) <= MAX_DATE_MS ? new Date(event.ts).toISOString() : String(event.ts);
    default: {
      const field = FIELD_OF[reason];
      const value = field === undefined ? undefined : event[field];
      return typeof value === 'string' ? value : '';
    }
  }
}

/** A value as answers show it: at most MAX_VALUE_LENGTH characters, an ellipsis where cut. */
export function cut(value: string): string {
  return value.length > MAX_VALUE_LENGTH ? `${value.slice(0, MAX_VALUE_LENGTH - 1)}…` : value;
}

/** How many items of each reason were refused: `2 bot, 1 unknown_object`. */
export function summariseReasons(reasons: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => `${count} ${reason}`).join(', ');
}
