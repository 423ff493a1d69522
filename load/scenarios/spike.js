// spike: a post goes viral: traffic jumps tenfold within seconds, then falls back
// Generated from load/src/scenarios.ts by `npm run k6:render -w @footfall/load`: edit that file,
// not this one. For users who run k6 themselves (see docs/load.md), e.g.
//   k6 run -e INGEST_URL=http://127.0.0.1:8080 -e COLLECTOR_URL=http://127.0.0.1:4318 load/scenarios/spike.js
// RATE, DURATION, EVENTS_PER_REQUEST, REQUESTS, EVENTS and CONNECTIONS resize it as they do
// `npm run load -- spike`.
import { k6Options, resolve } from '../lib/options.js';
import { trafficFor } from '../lib/traffic.js';

/** @type {import('../src/scenario.js').Scenario} */
const definition = {
  "name": "spike",
  "summary": "a post goes viral: traffic jumps tenfold within seconds, then falls back",
  "beaconShare": 0.5,
  "eventsPerRequest": 5,
  "shape": {
    "kind": "stages",
    "startRate": 10,
    "stages": [
      {
        "rate": 10,
        "durationS": 20
      },
      {
        "rate": 100,
        "durationS": 10
      },
      {
        "rate": 100,
        "durationS": 30,
        "hold": true
      },
      {
        "rate": 10,
        "durationS": 10
      },
      {
        "rate": 10,
        "durationS": 20
      }
    ],
    "maxConnections": 300
  },
  "thresholds": {
    "maxFailedRate": 0.01,
    "p95Ms": 1000,
    "maxRefusedEvents": 0
  }
};

const scenario = resolve(definition, __ENV);
export const options = k6Options(scenario);
const traffic = trafficFor(scenario, __ENV);
export const sendBeacon = traffic.sendBeacon;
export const sendSpans = traffic.sendSpans;
export default traffic.visit;
