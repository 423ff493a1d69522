// One analytics event as the tracker sends it in a beacon and the ingest service checks it: the
// field names, their bounds, and the event types every catalog starts from.

/** The event types Footfall knows; a catalog lists which of them (and which more) a site accepts. */
export const EVENT_TYPES = [
  'page_view',
  'room_enter',
  'room_exit',
  'object_view',
  'object_click',
  'navigation',
  'time_spent',
  // A followed link to another host, and a followed link to a file: `to` is its URL.
  'outbound',
  'download',
  // A followed link as the script tag sends it (`to`: the link's URL as the browser resolved it):
  // the ingest service stores it as `outbound` or `download`, or not at all for a link within the
  // site (the next page view records that step). Never stored under this type.
  'link_click',
  // A click on any element of a page (a hotspot): where and on what, in UI_CLICK_PROPS.
  'ui_click',
] as const;

/** A known event type, or another one a catalog adds. */
export type EventType = (typeof EVENT_TYPES)[number] | (string & {});

/** Free-form, bounded event properties. */
export type EventProps = Record<string, string | number | boolean>;

/** One analytics event, exactly as the ingest service's beacon endpoint takes it. */
export interface FootfallEvent {
  id: string;
  type: EventType;
  ts: number;
  session: string;
  path: string;
  referrer?: string;
  object?: string;
  room?: string;
  from?: string;
  /**
   * A navigation's target path; on `outbound` and `download` the link's URL (origin and path: the
   * tracker sends no query or fragment, and the ingest service cuts them off all the same).
   */
  to?: string;
  duration_ms?: number;
  props?: EventProps;
  /**
   * The landing URL's query string as the page has it (`location.search`), on the first page view
   * of a page load: the ingest service takes the campaign fields from it (`campaignOf`) and stores
   * nothing else of it. The script tag sends this rather than parsing the query itself: fewer bytes.
   */
  search?: string;
  /** Campaign parameters of the landing URL, on the page view of a visit's first page. */
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  utm_term?: string;
  utm_content?: string;
}

/** The campaign fields of an event, in the order of the utm_* URL parameters. */
export const CAMPAIGN_FIELDS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const;

/**
 * The props of a `ui_click`, the same for the script tag's lazy part and for the OpenTelemetry
 * browser instrumentations' clicks (which carry `browser.css_selector` and `browser.tag_name`,
 * ATTR.cssSelector and ATTR.tagName): the element's selector (an id, a `data-*` attribute, or a
 * short tag path with at most UI_CLICK_TEXT_CHARS of a link's or button's own text; never an
 * input's value, never an e-mail address), its tag in lower case, where it was clicked as a whole
 * percent of the document's width and height, and the viewport's class.
 */
export const UI_CLICK_PROPS = { selector: 'selector', tag: 'tag', x: 'x', y: 'y', viewport: 'viewport' } as const;

/** At most this many characters of a link's or button's own text go into its selector. */
export const UI_CLICK_TEXT_CHARS = 32;

/** The viewport classes, and the window width (CSS pixels) below which each applies: desktop is the rest. */
export const VIEWPORTS = ['phone', 'tablet', 'desktop'] as const;
export type Viewport = (typeof VIEWPORTS)[number];
export const VIEWPORT_MAX_WIDTH = { phone: 768, tablet: 1024 } as const;

/** The bounds of each field; the ingest service refuses an event past them as `invalid_field`. */
export const EVENT_LIMITS = {
  /** Client-made ids: 8 to 64 characters of [A-Za-z0-9_-]. */
  idPattern: '^[A-Za-z0-9_-]{8,64}$',
  /** type, site, session, object and room. */
  nameLength: 64,
  /** path, referrer, from and to. */
  textLength: 512,
  propsCount: 10,
  propNameLength: 32,
  propValueLength: 256,
  /** duration_ms: at most a day. */
  durationMs: 86_400_000,
  /** Each utm_* field, and each campaign parameter taken from `search` is cut to it. */
  campaignLength: 128,
  /** search: a landing URL's query string (servers commonly take URLs of at most 8 KiB). */
  searchLength: 8192,
} as const;

/**
 * Property keys the tracker itself sends, kept on every event whatever a site's catalog declares
 * in `props` (the catalog lists the site's own keys, not these; a hotspot click's keys too) and checked by the ingest service
 * at accept time: `scroll_depth` on `time_spent`, the deepest point of the page reached, a whole
 * percent from 0 to 100 (anything else is refused as `invalid_field` naming `props/scroll_depth`).
 */
export const RESERVED_PROPS = { scrollDepth: 'scroll_depth' } as const;
/** Every key the tracker sends itself: the reserved ones, and a hotspot click's (UI_CLICK_PROPS). */
// Marked pure: the tracker's bundles import this module and must not carry the list they never read.
export const RESERVED_PROP_KEYS: readonly string[] = /* @__PURE__ */ (() => [
  ...Object.values(RESERVED_PROPS),
  ...Object.values(UI_CLICK_PROPS),
])();
