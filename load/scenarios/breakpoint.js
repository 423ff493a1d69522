// breakpoint: the arrival rate grows 25 % every 10 s until p99 passes 250 ms or failures pass 1 %, beacons then OTLP
// Generated from load/src/scenarios.ts by `npm run k6:render -w @footfall/load`: edit that file,
// not this one. For users who run k6 themselves (see docs/load.md), e.g.
//   k6 run -e INGEST_URL=http://127.0.0.1:8080 -e COLLECTOR_URL=http://127.0.0.1:4318 load/scenarios/breakpoint.js
// RATE, DURATION, EVENTS_PER_REQUEST, REQUESTS, EVENTS and CONNECTIONS resize it as they do
// `npm run load -- breakpoint`.
import { k6Options, resolve } from '../lib/options.js';
import { trafficFor } from '../lib/traffic.js';

/** @type {import('../src/scenario.js').Scenario} */
const definition = {
  "name": "breakpoint",
  "summary": "the arrival rate grows 25 % every 10 s until p99 passes 250 ms or failures pass 1 %, beacons then OTLP",
  "beaconShare": 0.5,
  "eachPathAlone": true,
  "eventsPerRequest": 10,
  "shape": {
    "kind": "breakpoint",
    "startRate": 50,
    "growth": 1.25,
    "stepS": 10,
    "maxRate": 20000,
    "maxConnections": 200,
    "breakAt": {
      "p99Ms": 250,
      "failedRate": 0.01
    }
  },
  "thresholds": {
    "maxFailedRate": 0.2,
    "p95Ms": 10000,
    "maxRefusedEvents": 0
  },
  "ciExcluded": true
};

const scenario = resolve(definition, __ENV);
export const options = k6Options(scenario);
const traffic = trafficFor(scenario, __ENV);
export const sendBeacon = traffic.sendBeacon;
export const sendSpans = traffic.sendSpans;
export default traffic.visit;
