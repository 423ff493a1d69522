import type { FootfallEvent } from '@footfall/contract';

/**
 * An analytics event as the service receives it, from a beacon or mapped from a span or log record:
 * the contract's event, with the site it names, and with session and path left to the checks
 * (a span may lack them).
 */
export type EventInput = Omit<FootfallEvent, 'session' | 'path'> & { site?: string; session?: string; path?: string };

/** Why an event was refused: stable names, used in answers and as a metric label. */
export type RefusalReason =
  | 'unknown_site'
  | 'no_site'
  | 'unknown_origin'
  | 'unknown_type'
  | 'unknown_object'
  | 'unknown_room'
  | 'missing_field'
  | 'invalid_field'
  | 'too_old'
  | 'in_future'
  | 'too_many_props'
  // Not a refusal of the event: a key the site's catalog `props` lacks, dropped from a kept event.
  | 'undeclared_prop'
  | 'bot'
  | 'privacy_signal';
