/**
 * What was refused, with the value that was refused (`unknown_object` → `cv-download`), so the
 * owner learns about an object missing from the catalog. Kept in memory since start-up, bounded:
 * per reason at most MAX_VALUES_PER_REASON values (a Space-Saving top list: a new value replaces
 * the rarest one and inherits its count, so heavy hitters are never lost), values cut short.
 */
import fp from 'fastify-plugin';

export const MAX_VALUES_PER_REASON = 20;
export const MAX_REASONS = 32;
export const MAX_VALUE_LENGTH = 64;

export interface RefusedValue {
  reason: string;
  value: string;
  count: number;
}

export class RefusedValues {
  readonly #byReason = new Map<string, Map<string, number>>();

  /** Counts `count` refusals of `value` for `reason`; call it where refusals are counted. */
  record(reason: string, value: string, count = 1): void {
    let values = this.#byReason.get(reason);
    if (!values) {
      if (this.#byReason.size >= MAX_REASONS) return;
      this.#byReason.set(reason, (values = new Map()));
    }
    const key = value.length > MAX_VALUE_LENGTH ? `${value.slice(0, MAX_VALUE_LENGTH - 1)}…` : value;
    const known = values.get(key);
    if (known !== undefined) {
      values.set(key, known + count);
      return;
    }
    if (values.size < MAX_VALUES_PER_REASON) {
      values.set(key, count);
      return;
    }
    let rarest: [string, number] | undefined;
    for (const entry of values) if (!rarest || entry[1] < rarest[1]) rarest = entry;
    values.delete(rarest![0]);
    values.set(key, rarest![1] + count);
  }

  /** Every kept value, most refused first. */
  list(): RefusedValue[] {
    const all: RefusedValue[] = [];
    for (const [reason, values] of this.#byReason) for (const [value, count] of values) all.push({ reason, value, count });
    return all.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason) || a.value.localeCompare(b.value));
  }
}

/**
 * The value that made an event's refusal: the unknown site, type, object or room it named, or the
 * page origin (`origin`, the request's Origin header) its site does not list. Cut to
 * MAX_VALUE_LENGTH, since it goes into answers and log lines; undefined when the reason has none.
 */
export function refusedValueOf(reason: string, input: unknown, origin?: string): string | undefined {
  if (reason === 'unknown_origin') return cut(origin);
  if (typeof input !== 'object' || input === null) return undefined;
  const field = { unknown_site: 'site', unknown_type: 'type', unknown_object: 'object', unknown_room: 'room' }[reason];
  const value = field === undefined ? undefined : (input as Record<string, unknown>)[field];
  return typeof value === 'string' ? cut(value) : undefined;
}

function cut(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return value.length > MAX_VALUE_LENGTH ? `${value.slice(0, MAX_VALUE_LENGTH - 1)}…` : value;
}

declare module 'fastify' {
  interface FastifyInstance {
    refusedValues: RefusedValues;
  }
}

/** Shares one list between the routes that refuse (beacons, OTLP) and the read API that shows it. */
export const refusedValuesPlugin = fp(
  async (app) => {
    app.decorate('refusedValues', new RefusedValues());
  },
  { name: 'footfall-refused-values' },
);
