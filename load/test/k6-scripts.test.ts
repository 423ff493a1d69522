// The k6 scripts are for users who run k6 themselves (the project never runs it): each committed
// script must be exactly what its TypeScript definition renders to, and the k6 side's own code
// (load/lib/options.js) must resize a scenario and ask k6 for the rates and thresholds our
// autocannon driver uses.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { breakpointRates, k6Options, resolve } from '../lib/options.js';
import { EVENT_TYPES } from '@footfall/contract';
import { renderK6Script, renderWireNames, WIRE_NAMES_PATH } from '../src/k6/render.js';
import { withKnobs } from '../src/knobs.js';
import { beaconPayload, otlpPayload, RunIds } from '../src/payloads.js';
import type { Scenario } from '../src/scenario.js';
import { SCENARIO_NAMES, SCENARIOS } from '../src/scenarios.js';
import { VISIT_ATTRIBUTES, VISIT_TYPES } from '../src/wire-names.js';

const loadDir = new URL('../', import.meta.url);

/** Resizings every scenario is checked with, besides none at all. */
const ENVIRONMENTS: Record<string, string>[] = [
  {},
  { RATE: '37', DURATION: '2m', EVENTS_PER_REQUEST: '7' },
  { REQUESTS: '3', EVENTS: '1000', CONNECTIONS: '4', DURATION: '45' },
];

describe('k6 scripts', () => {
  it('are committed exactly as their definitions render, one per scenario', () => {
    const committed = readdirSync(new URL('scenarios/', loadDir))
      .filter((file) => file.endsWith('.js'))
      .sort();
    expect(committed).toEqual(SCENARIO_NAMES.map((name) => `${name}.js`).sort());
    for (const name of SCENARIO_NAMES) {
      const text = readFileSync(new URL(`scenarios/${name}.js`, loadDir), 'utf8');
      expect(text, `load/scenarios/${name}.js is stale: run npm run k6:render -w @footfall/load`).toBe(renderK6Script(SCENARIOS[name]));
    }
  });

  it("take the contract's names from load/lib/wire-names.js, committed exactly as load/src/wire-names.ts renders, and write none again", () => {
    const committed = readFileSync(new URL(WIRE_NAMES_PATH, loadDir), 'utf8');
    expect(committed, `load/${WIRE_NAMES_PATH} is stale: run npm run k6:render -w @footfall/load`).toBe(renderWireNames());
    const traffic = readFileSync(new URL('lib/traffic.js', loadDir), 'utf8');
    expect(traffic).toContain("from './wire-names.js'");
    for (const name of [...Object.values(VISIT_TYPES), ...Object.values(VISIT_ATTRIBUTES)]) {
      expect(traffic, `load/lib/traffic.js writes '${name}' itself`).not.toContain(`'${name}'`);
    }
  });

  it.each(SCENARIO_NAMES)('%s: k6 resizes it exactly as npm run load does', (name) => {
    for (const env of ENVIRONMENTS) {
      expect(resolve(SCENARIOS[name], env), JSON.stringify(env)).toEqual(withKnobs(SCENARIOS[name], env));
    }
  });

  it('both sides refuse a bad value with the same message', () => {
    for (const env of [{ RATE: 'fast' }, { DURATION: '5 minutes' }, { EVENTS_PER_REQUEST: '101' }, { CONNECTIONS: '2.5' }]) {
      expect(() => withKnobs(SCENARIOS.average, env)).toThrow();
      let message = '';
      try {
        withKnobs(SCENARIOS.average, env);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(() => resolve(SCENARIOS.average, env)).toThrow(message);
    }
  });

  it.each(SCENARIO_NAMES)('%s: k6 is asked for the same rates, sizes and thresholds', (name) => {
    for (const env of ENVIRONMENTS) {
      const scenario: Scenario = withKnobs(SCENARIOS[name], env);
      const options = k6Options(scenario);
      const executors = Object.values(options.scenarios ?? {});
      const { shape } = scenario;
      switch (shape.kind) {
        case 'iterations':
          expect(executors).toMatchObject([{ executor: 'shared-iterations', vus: shape.connections, iterations: shape.requests }]);
          break;
        case 'volume':
          expect(executors).toMatchObject([
            { executor: 'shared-iterations', vus: shape.connections, iterations: Math.ceil(shape.events / scenario.eventsPerRequest) },
          ]);
          break;
        case 'stages':
          expect(executors).toMatchObject([
            {
              executor: 'ramping-arrival-rate',
              startRate: Math.round(shape.startRate),
              maxVUs: shape.maxConnections,
              stages: shape.stages.map((stage) => ({ target: Math.round(stage.rate), duration: `${stage.durationS}s` })),
            },
          ]);
          break;
        case 'breakpoint': {
          // The same geometric series as load/src/breakpoint.ts walks, once per path.
          const rates: number[] = [];
          for (let rate = shape.startRate; rate <= shape.maxRate; rate *= shape.growth) rates.push(rate);
          expect(breakpointRates(shape)).toEqual(rates);
          expect(executors.map((executor) => ('exec' in executor ? executor.exec : undefined))).toEqual(['sendBeacon', 'sendSpans']);
          for (const executor of executors) {
            expect(executor).toMatchObject({
              executor: 'ramping-arrival-rate',
              stages: rates.map((rate) => ({ target: Math.round(rate), duration: `${shape.stepS}s` })),
            });
          }
          expect(options.thresholds).toMatchObject({
            http_req_duration: [{ threshold: `p(99)<${shape.breakAt.p99Ms}`, abortOnFail: true }],
            http_req_failed: [{ threshold: `rate<${shape.breakAt.failedRate}`, abortOnFail: true }],
          });
          continue;
        }
      }
      const { thresholds } = scenario;
      expect(options.thresholds).toEqual({
        http_req_failed: [{ threshold: `rate<=${thresholds.maxFailedRate}`, abortOnFail: thresholds.abortOnFail ?? false }],
        http_req_duration: [`p(95)<=${thresholds.p95Ms}`, ...(thresholds.p99Ms === undefined ? [] : [`p(99)<=${thresholds.p99Ms}`])],
        events_refused: [`count<=${thresholds.maxRefusedEvents}`],
      });
    }
  });

  it('send, on both paths, only event types the contract knows', () => {
    const ids = new RunIds();
    const beaconTypes = (JSON.parse(beaconPayload(ids, 3).body) as { events: { type: string }[] }).events.map((event) => event.type);
    const spans = (
      JSON.parse(otlpPayload(ids, 3).body) as {
        resourceSpans: { scopeSpans: { spans: { attributes: { key: string; value: { stringValue: string } }[] }[] }[] }[];
      }
    ).resourceSpans[0]!.scopeSpans[0]!.spans;
    const spanTypes = spans.map(
      (span) => span.attributes.find((attribute) => attribute.key === VISIT_ATTRIBUTES.eventType)?.value.stringValue,
    );
    expect(beaconTypes).toEqual([VISIT_TYPES.pageView, VISIT_TYPES.objectClick, VISIT_TYPES.objectClick]);
    expect(spanTypes).toEqual(beaconTypes);
    for (const type of beaconTypes) expect(EVENT_TYPES as readonly string[]).toContain(type);
  });

  it('are offered through docker-compose only under the k6 profile, with a pinned image', () => {
    const compose = parse(readFileSync(new URL('../docker-compose.yml', loadDir), 'utf8')) as {
      services: Record<string, { image?: string; profiles?: string[]; volumes?: string[] }>;
    };
    const k6Services = Object.entries(compose.services).filter(([, service]) => service.image?.startsWith('grafana/k6'));
    expect(k6Services.map(([name]) => name)).toEqual(['k6']);
    const k6 = k6Services[0]![1];
    expect(k6.image).toMatch(/^grafana\/k6:\d+\.\d+\.\d+$/);
    expect(k6.profiles).toEqual(['k6']);
    expect(k6.volumes).toContain('./load:/load:ro');
  });
});
