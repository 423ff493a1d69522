// The wire contract: what every part of Footfall agrees on. The tracker, the ingest service, the
// Collector configuration's tests, the dashboards and the load scenarios take these names from here.
export { ATTR, METRIC } from './attributes.js';
export { campaignOf, type Campaign } from './campaign.js';
export { CAMPAIGN_FIELDS, EVENT_LIMITS, EVENT_TYPES, UI_CLICK_PROPS, UI_CLICK_TEXT_CHARS, VIEWPORT_MAX_WIDTH, VIEWPORTS } from './event.js';
export type { Viewport } from './event.js';
export type { EventProps, EventType, FootfallEvent } from './event.js';
export type { Catalog, CatalogGoal, CatalogObject, CatalogRoom, CatalogSite } from './catalog.js';
export { DEFAULT_DOWNLOADS } from './catalog.js';
export * from './traffic-rules.js';
export { RESERVED_PROP_KEYS, RESERVED_PROPS } from './event.js';
