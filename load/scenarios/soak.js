// Soak: steady traffic for a long time, to find leaks and slow growth (memory, spool, queues).
import { visit, thresholds } from '../lib/traffic.js';

export const options = {
  scenarios: {
    soak: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 10),
      timeUnit: '1s',
      duration: __ENV.DURATION || '30m',
      preAllocatedVUs: 20,
      maxVUs: 100,
    },
  },
  thresholds: thresholds(300),
};

export default visit;
