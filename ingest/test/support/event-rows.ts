// An `events` row as the pipeline stores it, every column at its empty value unless named: for the
// tests and benchmarks that hand rows to the pipeline or the engine directly.
import type { EventRow } from '../../src/tables/events.js';

/** A beacon page view of the site `portfolio` from a desktop Chrome on Linux, at `now` unless `ts` is named. */
export function eventRow(fields: Partial<EventRow> & Pick<EventRow, 'event_id' | 'session_id'>, now = Date.now()): EventRow {
  return {
    site: 'portfolio',
    type: 'page_view',
    ts: now,
    visitor_id: `visitor-${fields.session_id}`,
    source: 'beacon',
    path: '/',
    referrer_host: '',
    object_id: '',
    room_id: '',
    nav_from: '',
    nav_to: '',
    duration_ms: 0,
    props: {},
    device: 'desktop',
    browser: 'Chrome',
    os: 'Linux',
    country: '',
    utm_source: '',
    utm_medium: '',
    utm_campaign: '',
    utm_term: '',
    utm_content: '',
    received_at: now,
    ...fields,
  };
}
