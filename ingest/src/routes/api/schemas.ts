/** Query-string shapes shared by the read API's routes, and validation messages that say what is allowed. */
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { DATE_PATTERN, periodProperties } from './period.js';

export const FORMATS = ['json', 'csv'] as const;

export const siteProperty = { type: 'string', minLength: 1, maxLength: 64 } as const;
export const formatProperty = { type: 'string', enum: FORMATS, default: 'json' } as const;

/** `page`, `source`, `country`, `device`, `browser`, `goal`: see ingest/src/stats/filters.ts. */
const filterProperty = { type: 'string', minLength: 1, maxLength: 512 } as const;

/** A `prop` filter: a key, `=`, and the value (which may be empty). */
const PROP_PATTERN = '^[^=]+=';

export const statsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...periodProperties,
    site: siteProperty,
    page: filterProperty,
    source: filterProperty,
    country: filterProperty,
    device: filterProperty,
    browser: filterProperty,
    goal: filterProperty,
    // `key=value`: the visits with an event whose property `key` is `value`.
    prop: { type: 'string', minLength: 2, maxLength: 512, pattern: PROP_PATTERN },
  },
} as const;

/**
 * Ajv's "must be equal to one of the allowed values" names none of them; every enum error here
 * lists them, and an unknown parameter is named, so a person can fix the request from the message.
 */
export function explainValidation(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const messages = errors.map((error) => {
    const where = `${dataVar}${error.instancePath.replaceAll('/', '.')}`;
    if (error.keyword === 'enum') {
      const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
      return `${where} must be one of ${allowed.join(', ')}`;
    }
    if (error.keyword === 'pattern' && (error.params as { pattern?: string }).pattern === DATE_PATTERN) {
      return `${where} must be a date YYYY-MM-DD`;
    }
    if (error.keyword === 'pattern' && (error.params as { pattern?: string }).pattern === PROP_PATTERN) {
      return `${where} must be key=value (a property key, "=", its value)`;
    }
    if (error.keyword === 'additionalProperties') {
      return `${where} has an unknown parameter "${String((error.params as { additionalProperty?: string }).additionalProperty)}"`;
    }
    return `${where} ${error.message ?? 'is invalid'}`;
  });
  return new Error(messages.join('; '));
}
