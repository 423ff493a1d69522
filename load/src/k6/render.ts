// The k6 script of a scenario: its definition copied in as data, then the shared k6 code
// (load/lib/) turns it into k6 options and traffic. Committed under load/scenarios/; a test
// renders them again and fails when a committed script differs from its definition.
import type { Scenario } from '../scenario.js';
import { VISIT_ATTRIBUTES, VISIT_TYPES } from '../wire-names.js';

export function renderK6Script(scenario: Scenario): string {
  const definition = JSON.stringify(scenario, null, 2);
  return `// ${scenario.name}: ${scenario.summary}
// Generated from load/src/scenarios.ts by \`npm run k6:render -w @footfall/load\`: edit that file,
// not this one. For users who run k6 themselves (see docs/load.md), e.g.
//   k6 run -e INGEST_URL=http://127.0.0.1:8080 -e COLLECTOR_URL=http://127.0.0.1:4318 load/scenarios/${scenario.name}.js
// RATE, DURATION, EVENTS_PER_REQUEST, REQUESTS, EVENTS and CONNECTIONS resize it as they do
// \`npm run load -- ${scenario.name}\`.
import { k6Options, resolve } from '../lib/options.js';
import { trafficFor } from '../lib/traffic.js';

/** @type {import('../src/scenario.js').Scenario} */
const definition = ${definition};

const scenario = resolve(definition, __ENV);
export const options = k6Options(scenario);
const traffic = trafficFor(scenario, __ENV);
export const sendBeacon = traffic.sendBeacon;
export const sendSpans = traffic.sendSpans;
export default traffic.visit;
`;
}

/** Where a scenario's script lives, relative to load/. */
export function k6ScriptPath(name: string): string {
  return `scenarios/${name}.js`;
}

/**
 * load/lib/wire-names.js: the contract's names a visit sends (load/src/wire-names.ts), for the
 * k6 side's traffic code, which cannot import the contract.
 */
export function renderWireNames(): string {
  return `// The contract's names a load visit sends, for k6 (load/lib/traffic.js), which cannot import
// @footfall/contract. Generated from load/src/wire-names.ts by \`npm run k6:render -w @footfall/load\`:
// edit that file, not this one.

export const VISIT_TYPES = ${objectLiteral(VISIT_TYPES)};

export const VISIT_ATTRIBUTES = ${objectLiteral(VISIT_ATTRIBUTES)};
`;
}

/** An object of names (dotted words, no quotes in them) as the formatter writes it: single quotes, one key a line. */
function objectLiteral(names: Record<string, string>): string {
  const lines = Object.entries(names).map(([key, value]) => `  ${key}: '${value}',`);
  return `{\n${lines.join('\n')}\n}`;
}

/** Where the rendered names live, relative to load/. */
export const WIRE_NAMES_PATH = 'lib/wire-names.js';
