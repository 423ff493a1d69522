// What one visitor's browser sends, for k6: a batch of analytics events, either as a beacon to the
// ingest service or as OTLP/JSON spans to the Collector, in the same shapes as load/src/payloads.ts.
// Every event has an id unique to this run, and every acknowledged one is counted, so the run can
// be reconciled with what ClickHouse stored (/api/stats).
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import { VISIT_ATTRIBUTES, VISIT_TYPES } from './wire-names.js';

// A desktop browser's user agent: the ingest service refuses k6's own as a bot.
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const OBJECTS = ['guitar', 'bookshelf', 'laptop', 'record-player', 'camera', 'plant', 'poster', 'desk-lamp'];

/** Events a 2xx answer took (for beacons: stored now or recognised as stored before). */
export const eventsAcknowledged = new Counter('events_acknowledged');
export const eventsRefused = new Counter('events_refused');

/**
 * @param {number} length
 * @returns {string}
 */
const hex = (length) => {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(Math.random() * 16).toString(16);
  return out;
};

/**
 * @param {string} key
 * @param {string} value
 */
const attribute = (key, value) => ({ key, value: { stringValue: value } });

/**
 * The three functions a generated script exports, for one resolved scenario.
 * @param {import('../src/scenario.js').Scenario} scenario
 * @param {Record<string, string | undefined>} env
 */
export function trafficFor(scenario, env) {
  const ingestUrl = env.INGEST_URL || 'http://127.0.0.1:8080';
  const collectorUrl = env.COLLECTOR_URL || 'http://127.0.0.1:4318';
  const runId = env.RUN_ID || `k6${Date.now().toString(36)}`;
  const site = env.SITE || 'portfolio';
  const eventsPerRequest = scenario.eventsPerRequest;

  function visitEvents() {
    const session = `${runId}-${__VU}-${__ITER}`;
    /** @type {{ type: string, session: string, path: string, object?: string }[]} */
    const events = [];
    for (let i = 0; i < eventsPerRequest; i++) {
      const object = OBJECTS[(__VU + __ITER + i) % OBJECTS.length];
      events.push(
        i === 0
          ? { type: VISIT_TYPES.pageView, session, path: '/room' }
          : { type: VISIT_TYPES.objectClick, session, path: '/room', object },
      );
    }
    return events;
  }

  function sendBeacon() {
    const events = visitEvents().map((event, i) => ({ id: `${runId}-${__VU}-${__ITER}-${i}`, ts: Date.now(), ...event }));
    const response = http.post(`${ingestUrl}/v1/beacon`, JSON.stringify({ site, events }), {
      headers: { 'content-type': 'text/plain', 'user-agent': USER_AGENT },
      tags: { path: 'beacon' },
    });
    if (check(response, { 'beacon acknowledged (202)': (r) => r.status === 202 })) {
      const body = /** @type {{ accepted: number, duplicates?: number, refused: unknown[] }} */ (response.json());
      eventsAcknowledged.add(body.accepted + (body.duplicates ?? 0), { path: 'beacon' });
      eventsRefused.add(body.refused.length, { path: 'beacon' });
    } else if (response.status >= 400 && response.status < 500 && response.status !== 429) {
      eventsRefused.add(events.length, { path: 'beacon' });
    }
  }

  function sendSpans() {
    const nowNs = `${Date.now()}000000`;
    const traceId = hex(32);
    const spans = visitEvents().map((event) => ({
      traceId,
      spanId: hex(16),
      name: event.type,
      kind: 1,
      startTimeUnixNano: nowNs,
      endTimeUnixNano: nowNs,
      attributes: [
        attribute(VISIT_ATTRIBUTES.eventType, event.type),
        attribute(VISIT_ATTRIBUTES.sessionId, event.session),
        attribute(VISIT_ATTRIBUTES.urlPath, event.path),
        attribute(VISIT_ATTRIBUTES.userAgent, USER_AGENT),
        ...(event.object ? [attribute(VISIT_ATTRIBUTES.objectId, event.object)] : []),
      ],
    }));
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [attribute(VISIT_ATTRIBUTES.serviceName, 'footfall-load'), attribute(VISIT_ATTRIBUTES.site, site)] },
          scopeSpans: [{ scope: { name: 'footfall-load' }, spans }],
        },
      ],
    };
    const response = http.post(`${collectorUrl}/v1/traces`, JSON.stringify(body), {
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT },
      tags: { path: 'otlp' },
    });
    if (check(response, { 'spans acknowledged by the Collector (200)': (r) => r.status === 200 })) {
      eventsAcknowledged.add(spans.length, { path: 'otlp' });
    } else if (response.status >= 400 && response.status < 500 && response.status !== 429) {
      eventsRefused.add(spans.length, { path: 'otlp' });
    }
  }

  /** One visitor's request: `beaconShare` of them beacons, the rest OTLP through the Collector. */
  function visit() {
    const share = scenario.beaconShare;
    if (Math.floor((__ITER + 1) * share) > Math.floor(__ITER * share)) sendBeacon();
    else sendSpans();
  }

  return { sendBeacon, sendSpans, visit };
}
