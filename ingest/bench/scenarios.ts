// The load scenarios of `npm run bench`, the same for the service and the bare baseline: beacons of
// one or many events (text/plain JSON, as sendBeacon sends them) and OTLP trace requests made by the
// OpenTelemetry SDK's own serializers.
import { beaconBody, IdSource, otlpTraceBodies } from './bodies.js';
import type { LoadOptions } from './load.js';

export type Scenario = Omit<LoadOptions, 'url' | 'durationS' | 'connections'> & {
  /** Concurrent requests, where the scenario's sender has its own (otherwise the run's). */
  connections?: number;
};

// The service's OTLP traffic comes from the OpenTelemetry Collector, whose exporter batches
// 1,024 to 4,096 items per request (collector/config.yaml, sending_queue.batch); 20-span requests
// measured fastify's per-request cost (the bare route tops out near 35k spans/s at that size),
// not the service's per-span work.
export const SPANS_PER_OTLP_REQUEST = 1000;
/** OTLP/JSON comes from browsers' and SDKs' own exporters, in smaller requests than the Collector's. */
export const SPANS_PER_OTLP_JSON_REQUEST = 100;
export const EVENTS_PER_BATCH = 50;
/**
 * The Collector's exporter sends at most this many requests at once (collector/config.yaml,
 * sending_queue.num_consumers). With 20 connections of 1,000-span requests, requests queued for
 * seconds inside the service and some passed the load generator's 10 s timeout.
 */
export const OTLP_CONNECTIONS = 2;

const ids = new IdSource();

export function beacons(events: number): Scenario {
  return {
    path: '/v1/beacon',
    contentType: 'text/plain;charset=UTF-8',
    body: () => beaconBody(ids, events),
    eventsPerRequest: events,
    acceptedIn: (status: number, body: string) => (status === 202 ? (JSON.parse(body) as { accepted: number }).accepted : 0),
  };
}

export function otlpTraces(encoding: 'json' | 'protobuf', spans = SPANS_PER_OTLP_REQUEST): Scenario {
  const makeBody = otlpTraceBodies(encoding, spans);
  return {
    path: '/v1/traces',
    contentType: encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    body: () => makeBody(ids),
    eventsPerRequest: spans,
    connections: OTLP_CONNECTIONS,
    // A full success answers an empty message; anything else is a partial success, which this load never expects.
    acceptedIn: (status: number, body: string) => (status !== 200 ? 0 : body === '' || body === '{}' ? spans : Number.NaN),
  };
}
