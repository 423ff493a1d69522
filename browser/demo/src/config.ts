import type { TrackerOptions } from '../../src/index.js';

const DEFAULTS: TrackerOptions = { site: 'portfolio', mode: 'beacon', endpoint: 'http://127.0.0.1:8080/v1/beacon' };

/** Tracker options from the page's `#footfall-config` JSON, over the local defaults. */
export function readConfig(): TrackerOptions {
  try {
    const text = document.getElementById('footfall-config')?.textContent ?? '{}';
    return { ...DEFAULTS, ...(JSON.parse(text) as Partial<TrackerOptions>) };
  } catch (error) {
    console.warn('footfall config unreadable, using defaults', error);
    return DEFAULTS;
  }
}
