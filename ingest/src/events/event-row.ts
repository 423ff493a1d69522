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

/** One row of the `events` table (ingest/migrations/0001_create_events.sql). */
export interface EventRow {
  site: string;
  type: string;
  /** epoch milliseconds */
  ts: number;
  event_id: string;
  session_id: string;
  visitor_id: string;
  source: 'beacon' | 'otlp';
  path: string;
  referrer_host: string;
  object_id: string;
  room_id: string;
  nav_from: string;
  nav_to: string;
  duration_ms: number;
  props: Record<string, string>;
  device: string;
  browser: string;
  os: string;
  /** ISO 3166-1 alpha-2, or '' when unknown. */
  country: string;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  utm_term: string;
  utm_content: string;
  received_at: number;
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
