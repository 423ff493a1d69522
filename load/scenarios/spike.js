// Spike: a post goes viral. Traffic jumps tenfold within seconds, then falls back.
import { visit, thresholds } from '../lib/traffic.js';

const BASE = Number(__ENV.RATE || 10);
const PEAK = Number(__ENV.PEAK_RATE || BASE * 10);
export const options = {
  scenarios: {
    spike: {
      executor: 'ramping-arrival-rate',
      startRate: BASE,
      timeUnit: '1s',
      preAllocatedVUs: 50,
      maxVUs: 300,
      stages: [
        { target: BASE, duration: '20s' },
        { target: PEAK, duration: '10s' },
        { target: PEAK, duration: '30s' },
        { target: BASE, duration: '10s' },
        { target: BASE, duration: '20s' },
      ],
    },
  },
  // A spike may slow answers down, never fail them.
  thresholds: thresholds(1000),
};

export default visit;
