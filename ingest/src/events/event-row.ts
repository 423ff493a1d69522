/** An analytics event as the service receives it, from a beacon or mapped from a span. */
export interface EventInput {
  id: string;
  type: string;
  ts: number;
  site?: string;
  session?: string;
  path?: string;
  referrer?: string;
  object?: string;
  room?: string;
  from?: string;
  to?: string;
  duration_ms?: number;
  props?: Record<string, string | number | boolean>;
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  utm_term?: string;
  utm_content?: string;
}


/** Why an event was refused: stable names, used in answers and as a metric label. */
export type RefusalReason =
  | 'unknown_site'
  | 'unknown_origin'
  | 'unknown_type'
  | 'unknown_object'
  | 'unknown_room'
  | 'missing_field'
  | 'invalid_field'
  | 'too_old'
  | 'in_future'
  | 'too_many_props'
  | 'bot'
  | 'privacy_signal';
