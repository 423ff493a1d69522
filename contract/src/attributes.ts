// OpenTelemetry names of the contract: the attributes the ingest service maps to analytics events
// (spans and log records alike) and the metrics it reads. The standard ones are the semantic
// conventions' names (a test holds them to the package's constants); ours live under `portfolio.`.
// Plain strings rather than imports from the semantic conventions: this module is bundled into the
// browser tier, and `session.id` is only in the incubating entry point, which is not for bundling.

export const ATTR = {
  serviceName: 'service.name',
  serviceVersion: 'service.version',
  urlPath: 'url.path',
  userAgent: 'user_agent.original',
  sessionId: 'session.id',
  site: 'portfolio.site',
  /** The page's origin, which the Collector copies from a browser's request (collector/config.yaml). */
  origin: 'portfolio.origin',
  /**
   * On the resource of Footfall's own OpenTelemetry tier: its event spans say what happened, so the
   * standard instrumentations' spans it also sends (documentLoad, click) are not read as events a
   * second time.
   */
  tracker: 'portfolio.tracker',
  eventId: 'portfolio.event.id',
  eventType: 'portfolio.event.type',
  objectId: 'portfolio.object.id',
  roomId: 'portfolio.room.id',
  referrer: 'portfolio.referrer',
  navigationFrom: 'portfolio.navigation.from',
  navigationTo: 'portfolio.navigation.to',
  durationMs: 'portfolio.duration_ms',
  propsPrefix: 'portfolio.props.',
  utmSource: 'portfolio.utm.source',
  utmMedium: 'portfolio.utm.medium',
  utmCampaign: 'portfolio.utm.campaign',
  utmTerm: 'portfolio.utm.term',
  utmContent: 'portfolio.utm.content',
  /** A clicked element, as the OpenTelemetry browser instrumentation names it (its `browser.user_action.click`). */
  cssSelector: 'browser.css_selector',
  tagName: 'browser.tag_name',
} as const;

/** Metric names: one counter of browser events, and one histogram per web vital. */
export const METRIC = {
  events: 'portfolio.events',
  webVitalPrefix: 'portfolio.web_vital.',
} as const;
