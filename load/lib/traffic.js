// What one visitor's browser sends, for k6: a batch of analytics events, either as a beacon to the
// ingest service or as OTLP/JSON spans to the Collector. Every event has an id unique to this run,
// and every accepted one is counted, so the run can be reconciled with what ClickHouse stored.
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const INGEST_URL = __ENV.INGEST_URL || 'http://127.0.0.1:8080';
const COLLECTOR_URL = __ENV.COLLECTOR_URL || 'http://127.0.0.1:4318';
const RUN_ID = __ENV.RUN_ID || `run${Date.now()}`;
const SITE = __ENV.SITE || 'portfolio';
const EVENTS_PER_REQUEST = Number(__ENV.EVENTS_PER_REQUEST || 5);
// A desktop browser's user agent: the ingest service refuses k6's own as a bot.
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const OBJECTS = ['guitar', 'bookshelf', 'laptop', 'record-player', 'camera', 'plant', 'poster', 'desk-lamp'];

/** Events the ingest service answered as stored (beacons) or the Collector accepted (OTLP). */
export const eventsAccepted = new Counter('events_accepted');
export const eventsRefused = new Counter('events_refused');

const hex = (length) => {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(Math.random() * 16).toString(16);
  return out;
};

function visitorEvents() {
  const session = `${RUN_ID}-${__VU}-${__ITER}`;
  const events = [];
  for (let i = 0; i < EVENTS_PER_REQUEST; i++) {
    const object = OBJECTS[(__VU + __ITER + i) % OBJECTS.length];
    events.push(i === 0 ? { type: 'page_view', session, path: '/room' } : { type: 'object_click', session, path: '/room', object });
  }
  return events;
}

export function sendBeacon() {
  const events = visitorEvents().map((event, i) => ({
    id: `${RUN_ID}-${__VU}-${__ITER}-${i}`,
    ts: Date.now(),
    ...event,
  }));
  const response = http.post(`${INGEST_URL}/v1/beacon`, JSON.stringify({ site: SITE, events }), {
    headers: { 'content-type': 'text/plain', 'user-agent': USER_AGENT },
    tags: { path: 'beacon' },
  });
  const ok = check(response, { 'beacon accepted (202)': (r) => r.status === 202 });
  if (ok) {
    const body = response.json();
    eventsAccepted.add(body.accepted, { path: 'beacon' });
    eventsRefused.add(body.refused.length, { path: 'beacon' });
  } else eventsRefused.add(events.length, { path: 'beacon' });
}

const attribute = (key, value) => ({ key, value: { stringValue: value } });

export function sendSpans() {
  const nowNs = `${Date.now()}000000`;
  const spans = visitorEvents().map((event) => ({
    traceId: hex(32),
    spanId: hex(16),
    name: event.type,
    kind: 1,
    startTimeUnixNano: nowNs,
    endTimeUnixNano: nowNs,
    attributes: [
      attribute('portfolio.event.type', event.type),
      attribute('session.id', event.session),
      attribute('url.path', event.path),
      attribute('user_agent.original', USER_AGENT),
      ...(event.object ? [attribute('portfolio.object.id', event.object)] : []),
    ],
  }));
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [attribute('service.name', 'footfall-load'), attribute('portfolio.site', SITE)] },
        scopeSpans: [{ scope: { name: 'footfall-load' }, spans }],
      },
    ],
  };
  const response = http.post(`${COLLECTOR_URL}/v1/traces`, JSON.stringify(body), {
    headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT },
    tags: { path: 'otlp' },
  });
  const ok = check(response, { 'spans accepted by the Collector (200)': (r) => r.status === 200 });
  if (ok) eventsAccepted.add(spans.length, { path: 'otlp' });
  else eventsRefused.add(spans.length, { path: 'otlp' });
}

/** One visitor's request: half of them beacons, half OTLP through the Collector. */
export function visit() {
  if (__ITER % 2 === 0) sendBeacon();
  else sendSpans();
}

/** Thresholds every scenario shares; a scenario adds its own latency bound. */
export function thresholds(p95Ms) {
  return {
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
    http_req_duration: [`p(95)<${p95Ms}`],
    events_refused: ['count<1'],
  };
}
