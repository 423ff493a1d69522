import fastJson from 'fast-json-stringify';

const text = { type: 'string' } as const;
const whole = { type: 'integer' } as const;

/**
 * One `events` row as a JSON line. Compiled from the row's schema: on the hot path this is about
 * twice as fast as JSON.stringify, which must discover the object's shape every time.
 */
export const serializeEventRow = fastJson({
  type: 'object',
  properties: {
    site: text,
    type: text,
    ts: whole,
    event_id: text,
    session_id: text,
    visitor_id: text,
    source: text,
    path: text,
    referrer_host: text,
    object_id: text,
    room_id: text,
    nav_from: text,
    nav_to: text,
    duration_ms: whole,
    props: { type: 'object', additionalProperties: text },
    device: text,
    browser: text,
    os: text,
    country: text,
    utm_source: text,
    utm_medium: text,
    utm_campaign: text,
    utm_term: text,
    utm_content: text,
    received_at: whole,
  },
});
