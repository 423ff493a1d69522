import { type Campaign, campaignOf } from '@footfall/contract';
import type { Catalog } from '../catalog/catalog.js';
import type { EventInput, RefusalReason } from './event-input.js';
import type { EventRow } from '../tables/index.js';
import { shapeProblem } from './event-shape.js';
import { followedLink } from './followed-link.js';

export const MAX_AGE_MS = 24 * 60 * 60 * 1000;
export const MAX_AHEAD_MS = 5 * 60 * 1000;

/** What the request tells about its sender, worked out once per request. */
export interface Sender {
  source: 'beacon' | 'otlp';
  /** The site of the request's envelope, for events that name none. */
  site: string | undefined;
  /** Makes the visitor id of an event (it differs by source and privacy signals). */
  visitorId: (site: string, session: string) => string;
  anonymise: boolean;
  device: string;
  browser: string;
  os: string;
  /**
   * The request's Origin header: a browser page's origin, which must be one of the event's site's
   * origins. Absent for senders that are not pages (servers, the Collector): not judged.
   */
  origin?: string;
  /**
   * The page's origin where it is known without an Origin header (an OTLP item's `portfolio.origin`,
   * kept by the Collector): a followed link to it is a step within the site. Not judged.
   */
  pageOrigin?: string;
  /** The client address's country ('' when unknown, and for OTLP). */
  country: string;
  now: number;
}

/** Checks one event against its shape and the catalog and makes its row, or says why not. */
export function toEventRow(
  input: unknown,
  catalog: Catalog,
  sender: Sender,
): { row: EventRow; reason?: undefined } | { reason: RefusalReason; row?: undefined } {
  const shape = shapeProblem(input);
  if (shape) return { reason: shape };
  const event = input as EventInput;

  const siteId = event.site ?? sender.site ?? catalog.defaultSite;
  const site = catalog.sites.get(siteId);
  if (!site) return { reason: 'unknown_site' };
  if (sender.origin !== undefined && !site.origins.has(sender.origin)) return { reason: 'unknown_origin' };
  // A followed link becomes `outbound` or `download`; one within the site (or to no web address)
  // stays a `link_click`, which the store counts and does not keep.
  const link = event.type === LINK_CLICK && event.to ? followedLink(event.to, site, sender.origin ?? sender.pageOrigin) : undefined;
  const type = link?.kind === 'outbound' || link?.kind === 'download' ? link.kind : event.type;
  const to = link ? (link.to ?? '') : event.to;
  if (!catalog.eventTypes.has(type) && type !== LINK_CLICK) return { reason: 'unknown_type' };
  if (event.ts < sender.now - MAX_AGE_MS) return { reason: 'too_old' };
  if (event.ts > sender.now + MAX_AHEAD_MS) return { reason: 'in_future' };

  let room = event.room ?? '';
  const object = event.object ?? '';
  if (object) {
    const objectRoom = site.objectRooms.get(object);
    if (!objectRoom) return { reason: 'unknown_object' };
    room ||= objectRoom;
  }
  if (room && !site.rooms.has(room)) return { reason: 'unknown_room' };
  const missing =
    ((event.type === 'object_click' || event.type === 'object_view') && !object) ||
    ((event.type === 'room_enter' || event.type === 'room_exit') && !room) ||
    ((type === 'navigation' || type === 'outbound' || type === 'download') && !to) ||
    (type === LINK_CLICK && !link) ||
    (event.type === 'time_spent' && event.duration_ms === undefined);
  if (missing) return { reason: 'missing_field' };

  const session = sender.anonymise ? '' : (event.session ?? '');
  // A referrer on the site's own origins is the page before this one, not a source: on an
  // ordinary multi-page site it makes the step between pages that a History API page sends as `from`.
  const referrer = urlOf(event.referrer);
  const ownReferrer = referrer !== undefined && site.origins.has(referrer.origin);
  // The landing query gives the campaign fields and nothing else of it is kept.
  const campaign = event.search ? campaignOf(event.search) : NO_CAMPAIGN;
  return {
    row: {
      site: siteId,
      type,
      ts: Math.round(event.ts),
      event_id: event.id,
      session_id: session,
      visitor_id: sender.anonymise ? '' : sender.visitorId(siteId, event.session ?? ''),
      source: sender.source,
      path: pathOnly(event.path ?? ''),
      referrer_host: referrer && !ownReferrer ? referrer.host : '',
      object_id: object,
      room_id: room,
      nav_from: pathOnly(event.from ?? (ownReferrer ? referrer.pathname : '')),
      nav_to: pathOnly(to ?? ''),
      duration_ms: event.duration_ms ?? 0,
      props: stringProps(event.props),
      device: sender.device,
      browser: sender.browser,
      os: sender.os,
      country: sender.country,
      utm_source: event.utm_source ?? campaign.utm_source ?? '',
      utm_medium: event.utm_medium ?? campaign.utm_medium ?? '',
      utm_campaign: event.utm_campaign ?? campaign.utm_campaign ?? '',
      utm_term: event.utm_term ?? campaign.utm_term ?? '',
      utm_content: event.utm_content ?? campaign.utm_content ?? '',
      received_at: sender.now,
    },
  };
}

const NO_CAMPAIGN: Campaign = {};

/**
 * The type of a followed link as the script tag sends it. A row of this type is a link within the
 * site (`nav_to` its path) or to no web address (`nav_to` empty): counted, never stored.
 */
export const LINK_CLICK = 'link_click';

/**
 * Query strings and fragments can carry personal data (emails, tokens): never stored. Two
 * indexOf, not a regular expression search: three paths an event, and the search cost more.
 */
function pathOnly(path: string): string {
  const query = path.indexOf('?');
  const fragment = path.indexOf('#');
  const end = query === -1 ? fragment : fragment === -1 ? query : Math.min(query, fragment);
  return end === -1 ? path : path.slice(0, end);
}

function urlOf(referrer: string | undefined): URL | undefined {
  if (!referrer) return undefined;
  try {
    return new URL(referrer);
  } catch {
    return undefined;
  }
}

function stringProps(props: EventInput['props']): Record<string, string> {
  const out: Record<string, string> = {};
  if (props) for (const [key, value] of Object.entries(props)) out[key] = String(value);
  return out;
}
