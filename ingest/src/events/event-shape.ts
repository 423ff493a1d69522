import { EVENT_LIMITS, RESERVED_PROPS } from '@footfall/contract';
import { Ajv, type ErrorObject } from 'ajv';
import type { EventInput, RefusalReason } from './event-input.js';

export const MAX_PROPS = 10;
const TEXT = { type: 'string', maxLength: 512 };
const CAMPAIGN = { type: 'string', maxLength: 128 };

/** The shape of one event: the bounds every source (beacon or span) must respect. */
export const eventSchema = {
  type: 'object',
  required: ['id', 'type', 'ts'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' },
    type: { type: 'string', maxLength: 64 },
    ts: { type: 'number' },
    site: { type: 'string', maxLength: 64 },
    // An id, so never repaired (two ids would become one): a lone UTF-16 surrogate is refused.
    session: { type: 'string', maxLength: 64, pattern: '^\\P{Cs}*$' },
    path: TEXT,
    referrer: TEXT,
    object: { type: 'string', maxLength: 64 },
    room: { type: 'string', maxLength: 64 },
    from: TEXT,
    to: TEXT,
    duration_ms: { type: 'integer', minimum: 0, maximum: 86_400_000 },
    utm_source: CAMPAIGN,
    utm_medium: CAMPAIGN,
    utm_campaign: CAMPAIGN,
    utm_term: CAMPAIGN,
    utm_content: CAMPAIGN,
    search: { type: 'string', maxLength: EVENT_LIMITS.searchLength },
    props: {
      type: 'object',
      maxProperties: MAX_PROPS,
      propertyNames: { maxLength: 32 },
      // The tracker's own keys (contract RESERVED_PROPS) have a form of their own; the rest is free.
      properties: { [RESERVED_PROPS.scrollDepth]: { type: 'integer', minimum: 0, maximum: 100 } },
      additionalProperties: {
        anyOf: [{ type: 'string', maxLength: 256 }, { type: 'number' }, { type: 'boolean' }],
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: false }).compile<EventInput>(eventSchema);

/** Checks an event's shape; answers the refusal reason, or undefined when it fits. */
export function shapeProblem(event: unknown): RefusalReason | undefined {
  if (validate(event)) return undefined;
  return reasonOf(validate.errors?.[0]);
}

/** The field a refused shape is refused for (`id`, `path`, `props/size`), or `(event)` for the event itself. */
export function shapeField(event: unknown): string {
  if (validate(event)) return '';
  const error = validate.errors?.[0];
  if (error?.keyword === 'required') return String(error.params.missingProperty);
  if (error?.keyword === 'additionalProperties') return String(error.params.additionalProperty);
  return error?.instancePath.slice(1) || '(event)';
}

function reasonOf(error: ErrorObject | undefined): RefusalReason {
  if (error?.keyword === 'required') return 'missing_field';
  if (error?.keyword === 'maxProperties' && error.instancePath === '/props') return 'too_many_props';
  return 'invalid_field';
}
