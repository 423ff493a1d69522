// The contract's names a load visit sends, for k6 (load/lib/traffic.js), which cannot import
// @footfall/contract. Generated from load/src/wire-names.ts by `npm run k6:render -w @footfall/load`:
// edit that file, not this one.

export const VISIT_TYPES = {
  pageView: 'page_view',
  objectClick: 'object_click',
};

export const VISIT_ATTRIBUTES = {
  serviceName: 'service.name',
  site: 'portfolio.site',
  eventType: 'portfolio.event.type',
  sessionId: 'session.id',
  urlPath: 'url.path',
  userAgent: 'user_agent.original',
  objectId: 'portfolio.object.id',
};
