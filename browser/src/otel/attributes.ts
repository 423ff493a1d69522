import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION, ATTR_URL_PATH, ATTR_USER_AGENT_ORIGINAL } from '@opentelemetry/semantic-conventions';

/**
 * Attribute names the ingest service maps to analytics events (see its README). Standard names
 * come from the semantic conventions; `session.id` is still incubating there, and the incubating
 * entry point is not meant to be bundled, so it is spelled out here.
 */
export const ATTR = {
  serviceName: ATTR_SERVICE_NAME,
  serviceVersion: ATTR_SERVICE_VERSION,
  urlPath: ATTR_URL_PATH,
  userAgent: ATTR_USER_AGENT_ORIGINAL,
  sessionId: 'session.id',
  site: 'portfolio.site',
  eventId: 'portfolio.event.id',
  eventType: 'portfolio.event.type',
  objectId: 'portfolio.object.id',
  roomId: 'portfolio.room.id',
  referrer: 'portfolio.referrer',
  navigationFrom: 'portfolio.navigation.from',
  navigationTo: 'portfolio.navigation.to',
  durationMs: 'portfolio.duration_ms',
  utmSource: 'portfolio.utm.source',
  utmMedium: 'portfolio.utm.medium',
  utmCampaign: 'portfolio.utm.campaign',
  utmTerm: 'portfolio.utm.term',
  utmContent: 'portfolio.utm.content',
  propsPrefix: 'portfolio.props.',
} as const;

/** Metric names of the contract: one counter, and one histogram per web vital. */
export const METRIC = {
  events: 'portfolio.events',
  webVitalPrefix: 'portfolio.web_vital.',
} as const;
