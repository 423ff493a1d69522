// smoke: one visitor, 20 requests: does the pipeline answer at all?
// Generated from load/src/scenarios.ts by `npm run k6:render -w @footfall/load`: edit that file,
// not this one. For users who run k6 themselves (see docs/load.md), e.g.
//   k6 run -e INGEST_URL=http://127.0.0.1:8080 -e COLLECTOR_URL=http://127.0.0.1:4318 load/scenarios/smoke.js
// RATE, DURATION, EVENTS_PER_REQUEST, REQUESTS, EVENTS and CONNECTIONS resize it as they do
// `npm run load -- smoke`.
import { k6Options, resolve } from '../lib/options.js';
import { trafficFor } from '../lib/traffic.js';

/** @type {import('../src/scenario.js').Scenario} */
const definition = {
  "name": "smoke",
  "summary": "one visitor, 20 requests: does the pipeline answer at all?",
  "beaconShare": 0.5,
  "eventsPerRequest": 5,
  "shape": {
    "kind": "iterations",
    "requests": 20,
    "connections": 1
  },
  "thresholds": {
    "maxFailedRate": 0.01,
    "p95Ms": 500,
    "maxRefusedEvents": 0
  }
};

const scenario = resolve(definition, __ENV);
export const options = k6Options(scenario);
const traffic = trafficFor(scenario, __ENV);
export const sendBeacon = traffic.sendBeacon;
export const sendSpans = traffic.sendSpans;
export default traffic.visit;
