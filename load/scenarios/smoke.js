// Smoke: one visitor, a few requests. Does the pipeline answer at all?
import { visit, thresholds } from '../lib/traffic.js';

export const options = {
  scenarios: {
    smoke: { executor: 'shared-iterations', vus: 1, iterations: Number(__ENV.ITERATIONS || 20) },
  },
  thresholds: thresholds(500),
};

export default visit;
