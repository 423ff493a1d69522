// Average: a normal day's peak for a portfolio, held for a while.
import { visit, thresholds } from '../lib/traffic.js';

const RATE = Number(__ENV.RATE || 20); // requests per second
export const options = {
  scenarios: {
    average: {
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit: '1s',
      preAllocatedVUs: 20,
      maxVUs: 100,
      stages: [
        { target: RATE, duration: '30s' },
        { target: RATE, duration: __ENV.DURATION || '2m' },
        { target: 0, duration: '15s' },
      ],
    },
  },
  thresholds: thresholds(300),
};

export default visit;
