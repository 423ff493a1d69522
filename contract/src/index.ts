// The wire contract: what every part of Footfall agrees on. The tracker, the ingest service, the
// Collector configuration's tests, the dashboards and the load scenarios take these names from here.
export { ATTR, METRIC } from './attributes.js';
export { campaignOf, type Campaign } from './campaign.js';
export { CAMPAIGN_FIELDS, EVENT_LIMITS, EVENT_TYPES, UI_CLICK_PROPS, UI_CLICK_TEXT_CHARS, VIEWPORT_MAX_WIDTH, VIEWPORTS } from './event.js';
export type { Viewport } from './event.js';
export type { EventProps, EventType, FootfallEvent } from './event.js';
export type { Catalog, CatalogGoal, CatalogObject, CatalogRoom, CatalogSite } from './catalog.js';
export { DEFAULT_DOWNLOADS } from './catalog.js';
export {
  BASELINE_WINDOW_HOURS,
  LAST_WEEK_DAYS,
  MONDAY,
  SATURDAY,
  PREVIOUS_SAME_KIND_DAYS_AGO,
  GROWTH_OVER_HOURS,
  GROWTH_MIN,
  GROWTH_MAX,
  SPIKE_FACTOR,
  SPIKE_NOISE_10M,
  SPIKE_NOISE_30M,
  SPIKE_FLOOR_EVENTS_10M,
  SPIKE_FLOOR_EVENTS_30M,
  SPIKE_MINUTE_CAP_EVENTS,
  SPIKE_MINUTE_CAP_FACTOR,
  SPIKE_WINDOW_10M,
  SPIKE_WINDOW_30M,
  SPIKE_FOR_MINUTES,
  SPIKE_DETECT_WITHIN_MINUTES,
  DROP_WINDOW_MINUTES,
  DROP_SHARE,
  DROP_MIN_EXPECTED_EVENTS,
  DROP_FOR_MINUTES,
  DROP_DETECT_WITHIN_MINUTES,
  BROKEN_SILENCE_MINUTES,
  BROKEN_FOR_MINUTES,
  BROKEN_MIN_EXPECTED_EVENTS_PER_MINUTE,
  BROKEN_MIN_EXPECTED_EVENTS,
  BROKEN_DETECT_WITHIN_MINUTES,
} from './traffic-rules.js';
export type { SpikeWindow } from './traffic-rules.js';
export { RESERVED_PROP_KEYS, RESERVED_PROPS } from './event.js';
