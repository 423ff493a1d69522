// stress: the rate rises step by step past what the machine holds, to see where and how it bends
// Generated from load/src/scenarios.ts by `npm run k6:render -w @footfall/load`: edit that file,
// not this one. For users who run k6 themselves (see docs/load.md), e.g.
//   k6 run -e INGEST_URL=http://127.0.0.1:8080 -e COLLECTOR_URL=http://127.0.0.1:4318 load/scenarios/stress.js
// RATE, DURATION, EVENTS_PER_REQUEST, REQUESTS, EVENTS and CONNECTIONS resize it as they do
// `npm run load -- stress`.
import { k6Options, resolve } from '../lib/options.js';
import { trafficFor } from '../lib/traffic.js';

/** @type {import('../src/scenario.js').Scenario} */
const definition = {
  "name": "stress",
  "summary": "the rate rises step by step past what the machine holds, to see where and how it bends",
  "beaconShare": 0.5,
  "eventsPerRequest": 5,
  "shape": {
    "kind": "stages",
    "startRate": 50,
    "stages": [
      {
        "rate": 50,
        "durationS": 15
      },
      {
        "rate": 50,
        "durationS": 30,
        "hold": true
      },
      {
        "rate": 100,
        "durationS": 15
      },
      {
        "rate": 100,
        "durationS": 30,
        "hold": true
      },
      {
        "rate": 150,
        "durationS": 15
      },
      {
        "rate": 150,
        "durationS": 30,
        "hold": true
      },
      {
        "rate": 200,
        "durationS": 15
      },
      {
        "rate": 200,
        "durationS": 30,
        "hold": true
      },
      {
        "rate": 250,
        "durationS": 15
      },
      {
        "rate": 250,
        "durationS": 30,
        "hold": true
      },
      {
        "rate": 300,
        "durationS": 15
      },
      {
        "rate": 300,
        "durationS": 30,
        "hold": true
      },
      {
        "rate": 0,
        "durationS": 15
      }
    ],
    "maxConnections": 500
  },
  "thresholds": {
    "maxFailedRate": 0.05,
    "p95Ms": 2000,
    "maxRefusedEvents": 0,
    "abortOnFail": true
  }
};

const scenario = resolve(definition, __ENV);
export const options = k6Options(scenario);
const traffic = trafficFor(scenario, __ENV);
export const sendBeacon = traffic.sendBeacon;
export const sendSpans = traffic.sendSpans;
export default traffic.visit;
