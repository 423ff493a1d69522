// k6 options from one of our scenario definitions (load/src/scenarios.ts, copied into each
// script by `npm run k6:render -w @footfall/load`). Plain JavaScript with no k6 import, so the
// tests can hold it to the TypeScript side: `resolve` must resize a scenario exactly as
// load/src/knobs.ts does, and `k6Options` must ask k6 for the same rates and thresholds.

/**
 * @typedef {import('../src/scenario.js').Scenario} Scenario
 * @typedef {import('../src/scenario.js').Shape} Shape
 * @typedef {import('k6/options').Options} Options
 * @typedef {import('k6/options').Scenario} K6Scenario
 * @typedef {Record<string, string | undefined>} Env
 */

/**
 * "90", "90s", "2m", "1h" -> seconds.
 * @param {string} value
 * @param {string} name
 * @returns {number}
 */
function parseSeconds(value, name) {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(value.trim());
  if (!match) throw new Error(`${name} must be seconds, or a number with s, m or h (e.g. 90, 5m), not "${value}"`);
  const unit = match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1;
  return Number(match[1]) * unit;
}

/**
 * @param {string} value
 * @param {string} name
 * @param {boolean} integer
 * @returns {number}
 */
function positive(value, name, integer) {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new Error(`${name} must be a positive ${integer ? 'whole ' : ''}number, not "${value}"`);
  }
  return number;
}

/**
 * The scenario resized by RATE, DURATION, EVENTS_PER_REQUEST, REQUESTS, EVENTS and CONNECTIONS.
 * @param {Scenario} scenario
 * @param {Env} env
 * @returns {Scenario}
 */
export function resolve(scenario, env) {
  /** @param {string} name */
  const set = (name) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const eventsPerRequest = set('EVENTS_PER_REQUEST')
    ? positive(/** @type {string} */ (set('EVENTS_PER_REQUEST')), 'EVENTS_PER_REQUEST', true)
    : scenario.eventsPerRequest;
  if (eventsPerRequest > 100) throw new Error(`EVENTS_PER_REQUEST must be at most 100 (a beacon's limit), not ${eventsPerRequest}`);
  const connectionsText = set('CONNECTIONS');
  const connections = connectionsText ? positive(connectionsText, 'CONNECTIONS', true) : undefined;
  const shape = scenario.shape;
  /** @type {Shape} */
  let resized;
  if (shape.kind === 'iterations') {
    const requests = set('REQUESTS');
    resized = {
      ...shape,
      requests: requests ? positive(requests, 'REQUESTS', true) : shape.requests,
      connections: connections ?? shape.connections,
    };
  } else if (shape.kind === 'volume') {
    const events = set('EVENTS');
    resized = { ...shape, events: events ? positive(events, 'EVENTS', true) : shape.events, connections: connections ?? shape.connections };
  } else if (shape.kind === 'breakpoint') {
    const rate = set('RATE');
    resized = {
      ...shape,
      startRate: rate ? positive(rate, 'RATE', false) : shape.startRate,
      maxConnections: connections ?? shape.maxConnections,
    };
  } else {
    const peak = Math.max(shape.startRate, ...shape.stages.map((stage) => stage.rate));
    const rate = set('RATE');
    const scale = rate ? positive(rate, 'RATE', false) / peak : 1;
    const duration = set('DURATION');
    const holdS = duration ? parseSeconds(duration, 'DURATION') : undefined;
    resized = {
      ...shape,
      startRate: shape.startRate * scale,
      stages: shape.stages.map((stage) => ({
        ...stage,
        rate: stage.rate * scale,
        durationS: stage.hold && holdS !== undefined ? holdS : stage.durationS,
      })),
      maxConnections: connections ?? shape.maxConnections,
    };
  }
  return { ...scenario, eventsPerRequest, shape: resized };
}

/**
 * The rates of a breakpoint ramp, the same series as load/src/breakpoint.ts asks for.
 * @param {import('../src/scenario.js').BreakpointShape} shape
 * @returns {number[]}
 */
export function breakpointRates(shape) {
  const rates = [];
  for (let rate = shape.startRate; rate <= shape.maxRate; rate *= shape.growth) rates.push(rate);
  return rates;
}

/**
 * k6's arrival rates are whole iterations per time unit.
 * @param {number} rate
 */
const whole = (rate) => Math.max(0, Math.round(rate));

/**
 * @param {Scenario} scenario
 * @returns {Record<string, K6Scenario>}
 */
function executors(scenario) {
  const shape = scenario.shape;
  if (shape.kind === 'iterations') {
    return { [scenario.name]: { executor: 'shared-iterations', vus: shape.connections, iterations: shape.requests, maxDuration: '10m' } };
  }
  if (shape.kind === 'volume') {
    const iterations = Math.ceil(shape.events / scenario.eventsPerRequest);
    return { [scenario.name]: { executor: 'shared-iterations', vus: shape.connections, iterations, maxDuration: '6h' } };
  }
  if (shape.kind === 'stages') {
    return {
      [scenario.name]: {
        executor: 'ramping-arrival-rate',
        startRate: whole(shape.startRate),
        timeUnit: '1s',
        preAllocatedVUs: Math.min(shape.maxConnections, 50),
        maxVUs: shape.maxConnections,
        stages: shape.stages.map((stage) => ({ target: whole(stage.rate), duration: `${stage.durationS}s` })),
      },
    };
  }
  // Breakpoint: each path ramps on its own, beacons first, then OTLP.
  const rates = breakpointRates(shape);
  const rampS = rates.length * shape.stepS;
  /** @type {Record<string, K6Scenario>} */
  const out = {};
  [
    ['beacon', 'sendBeacon'],
    ['otlp', 'sendSpans'],
  ].forEach(([path, exec], index) => {
    out[`${scenario.name}_${path}`] = {
      executor: 'ramping-arrival-rate',
      exec,
      startTime: `${index * rampS}s`,
      startRate: whole(shape.startRate),
      timeUnit: '1s',
      preAllocatedVUs: Math.min(shape.maxConnections, 50),
      maxVUs: shape.maxConnections,
      tags: { path: /** @type {string} */ (path) },
      stages: rates.map((rate) => ({ target: whole(rate), duration: `${shape.stepS}s` })),
    };
  });
  return out;
}

/**
 * @param {Scenario} scenario
 * @returns {Options['thresholds']}
 */
function thresholds(scenario) {
  const t = scenario.thresholds;
  const abortOnFail = t.abortOnFail ?? false;
  if (scenario.shape.kind === 'breakpoint') {
    // k6 has no "until it bends" executor: the ramp aborts when the bound is passed.
    const { p99Ms, failedRate } = scenario.shape.breakAt;
    return {
      http_req_duration: [{ threshold: `p(99)<${p99Ms}`, abortOnFail: true }],
      http_req_failed: [{ threshold: `rate<${failedRate}`, abortOnFail: true }],
      events_refused: [`count<=${t.maxRefusedEvents}`],
    };
  }
  return {
    http_req_failed: [{ threshold: `rate<=${t.maxFailedRate}`, abortOnFail }],
    http_req_duration: [`p(95)<=${t.p95Ms}`, ...(t.p99Ms === undefined ? [] : [`p(99)<=${t.p99Ms}`])],
    events_refused: [`count<=${t.maxRefusedEvents}`],
  };
}

/**
 * @param {Scenario} scenario a resolved scenario
 * @returns {Options}
 */
export function k6Options(scenario) {
  return { scenarios: executors(scenario), thresholds: thresholds(scenario) };
}
