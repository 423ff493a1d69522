// Stress: raise the rate step by step past what the machine holds, to see where and how it bends.
// Refusals with 429/503 are the designed answer under overload, so only errors fail the run; the
// latency bound is loose.
import { visit } from '../lib/traffic.js';

const STEP = Number(__ENV.STEP_RATE || 50);
export const options = {
  scenarios: {
    stress: {
      executor: 'ramping-arrival-rate',
      startRate: STEP,
      timeUnit: '1s',
      preAllocatedVUs: 100,
      maxVUs: 500,
      stages: [1, 2, 3, 4, 5, 6].flatMap((n) => [
        { target: STEP * n, duration: '15s' },
        { target: STEP * n, duration: '30s' },
      ]).concat([{ target: 0, duration: '15s' }]),
    },
  },
  thresholds: {
    http_req_failed: [{ threshold: 'rate<0.05', abortOnFail: true, delayAbortEval: '30s' }],
    http_req_duration: ['p(95)<2000'],
    checks: ['rate>0.95'],
  },
};

export default visit;
