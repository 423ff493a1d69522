import { CAMPAIGN_FIELDS, EVENT_LIMITS } from './event.js';

/** The campaign fields of an event; each is set only when the query had it. */
export type Campaign = Partial<Record<(typeof CAMPAIGN_FIELDS)[number], string>>;

/**
 * The campaign parameters of a landing URL's query string (`?utm_source=...`, with or without the
 * `?`): `utm_source` ... `utm_content`, each cut to `EVENT_LIMITS.campaignLength` characters, and
 * nothing else of the query. One function for every tier: the ingest service reads a page view's
 * `search`, the OpenTelemetry tier the same field, so the rules cannot drift apart. A parameter
 * given twice counts with its first value, as `URLSearchParams.get` has it.
 */
export function campaignOf(search: string): Campaign {
  const query = new URLSearchParams(search);
  const campaign: Campaign = {};
  for (const field of CAMPAIGN_FIELDS) {
    const value = query.get(field);
    if (value !== null) campaign[field] = value.slice(0, EVENT_LIMITS.campaignLength);
  }
  return campaign;
}
