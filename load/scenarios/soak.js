// soak: steady traffic at half the breakpoint (set RATE to half of yours) for 30 minutes: RSS and insert latency must stay flat
// Generated from load/src/scenarios.ts by `npm run k6:render -w @footfall/load`: edit that file,
// not this one. For users who run k6 themselves (see docs/load.md), e.g.
//   k6 run -e INGEST_URL=http://127.0.0.1:8080 -e COLLECTOR_URL=http://127.0.0.1:4318 load/scenarios/soak.js
// RATE, DURATION, EVENTS_PER_REQUEST, REQUESTS, EVENTS and CONNECTIONS resize it as they do
// `npm run load -- soak`.
import { k6Options, resolve } from '../lib/options.js';
import { trafficFor } from '../lib/traffic.js';

/** @type {import('../src/scenario.js').Scenario} */
const definition = {
  "name": "soak",
  "summary": "steady traffic at half the breakpoint (set RATE to half of yours) for 30 minutes: RSS and insert latency must stay flat",
  "beaconShare": 0.5,
  "eventsPerRequest": 10,
  "shape": {
    "kind": "stages",
    "startRate": 150,
    "stages": [
      {
        "rate": 150,
        "durationS": 1800,
        "hold": true
      }
    ],
    "maxConnections": 100
  },
  "thresholds": {
    "maxFailedRate": 0.01,
    "p95Ms": 300,
    "maxRefusedEvents": 0
  },
  "sampleEveryS": 60,
  "ciExcluded": true
};

const scenario = resolve(definition, __ENV);
export const options = k6Options(scenario);
const traffic = trafficFor(scenario, __ENV);
export const sendBeacon = traffic.sendBeacon;
export const sendSpans = traffic.sendSpans;
export default traffic.visit;
