// The contract's names that a load visit sends (its event types, its spans' attributes), in one
// place: payloads.ts sends them, and the k6 side gets the same names as load/lib/wire-names.js,
// rendered from this file (k6 runs the plain JavaScript under load/ and cannot import
// @footfall/contract).
import { ATTR, type EVENT_TYPES } from '@footfall/contract';

/** A type the contract knows: one it renames or drops fails the type check here. */
type KnownEventType = (typeof EVENT_TYPES)[number];

/** A visit is a page view, then clicks on the room's objects. */
export const VISIT_TYPES = { pageView: 'page_view', objectClick: 'object_click' } as const satisfies Record<string, KnownEventType>;

/** The span attributes an OTLP visit carries (the contract's ATTR). */
export const VISIT_ATTRIBUTES = {
  serviceName: ATTR.serviceName,
  site: ATTR.site,
  eventType: ATTR.eventType,
  sessionId: ATTR.sessionId,
  urlPath: ATTR.urlPath,
  userAgent: ATTR.userAgent,
  objectId: ATTR.objectId,
} as const;

export type VisitType = (typeof VISIT_TYPES)[keyof typeof VISIT_TYPES];
