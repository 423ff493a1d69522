import { CAMPAIGN_FIELDS, EVENT_LIMITS, RESERVED_PROPS } from '@footfall/contract';
import { Ajv, type ErrorObject } from 'ajv';
import type { EventInput, RefusalReason } from './event-input.js';

// Every bound is the contract's (EVENT_LIMITS): the tracker, the docs and this check read one table.
export const MAX_PROPS = EVENT_LIMITS.propsCount;
const TEXT = { type: 'string', maxLength: EVENT_LIMITS.textLength };
const NAME = { type: 'string', maxLength: EVENT_LIMITS.nameLength };
const CAMPAIGN = { type: 'string', maxLength: EVENT_LIMITS.campaignLength };

/** The shape of one event: the bounds every source (beacon or span) must respect. */
export const eventSchema = {
  type: 'object',
  required: ['id', 'type', 'ts'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: EVENT_LIMITS.idPattern },
    type: NAME,
    ts: { type: 'number' },
    site: NAME,
    // An id, so never repaired (two ids would become one): a lone UTF-16 surrogate is refused.
    session: { ...NAME, pattern: '^\\P{Cs}*$' },
    path: TEXT,
    referrer: TEXT,
    object: NAME,
    room: NAME,
    from: TEXT,
    to: TEXT,
    duration_ms: { type: 'integer', minimum: 0, maximum: EVENT_LIMITS.durationMs },
    ...Object.fromEntries(CAMPAIGN_FIELDS.map((field) => [field, CAMPAIGN])),
    search: { type: 'string', maxLength: EVENT_LIMITS.searchLength },
    props: {
      type: 'object',
      maxProperties: MAX_PROPS,
      propertyNames: { maxLength: EVENT_LIMITS.propNameLength },
      // The tracker's own keys (contract RESERVED_PROPS) have a form of their own; the rest is free.
      properties: { [RESERVED_PROPS.scrollDepth]: { type: 'integer', minimum: 0, maximum: 100 } },
      additionalProperties: {
        anyOf: [{ type: 'string', maxLength: EVENT_LIMITS.propValueLength }, { type: 'number' }, { type: 'boolean' }],
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
