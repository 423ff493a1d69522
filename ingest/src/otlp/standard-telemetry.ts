// What a site's ordinary OpenTelemetry means for analytics, without any `portfolio.*` attribute:
// the document-load instrumentation's `documentLoad` span is a page view, the user-interaction
// instrumentation's `click` span is a click, and so are the OpenTelemetry browser instrumentation's
// `browser.navigation` and `browser.user_action.click` events (docs/otel-existing.md).
// `portfolio.*` attributes on the same item still win: they are refinements.
import { ATTR, UI_CLICK_PROPS } from '@footfall/contract';
import type { AttributeValue } from './decode.js';
import { nameWithoutPrivate } from './name-privacy.js';

/** The event type of a click on any element (not a catalog object): selector and place in props. */
export const UI_CLICK = 'ui_click';

/** Attribute names of the instrumentations we read, current and older semantic conventions. */
export const STANDARD_ATTR = {
  urlFull: 'url.full',
  httpUrl: 'http.url',
  httpUserAgent: 'http.user_agent',
  /** instrumentation-user-interaction */
  eventType: 'event_type',
  targetElement: 'target_element',
  targetXpath: 'target_xpath',
  /** @opentelemetry/browser-instrumentation's user action events */
  cssSelector: ATTR.cssSelector,
  tagName: ATTR.tagName,
  pageX: 'browser.page.x',
  pageY: 'browser.page.y',
} as const;

/** The span names and event names recognised, and the event type each is. */
const DOCUMENT_LOAD_SPAN = 'documentLoad';
const CLICK_SPAN = 'click';
const NAVIGATION_EVENT = 'browser.navigation';
const CLICK_EVENT = 'browser.user_action.click';

/** A selector is an id among the event's props: bounded as a prop value is. */
const MAX_SELECTOR_CHARS = 256;

/** What a standard item says of itself: its event type and the fields only it can give. */
export interface StandardEvent {
  type: string;
  props?: Record<string, string | number>;
}

type Lookup = (name: string) => AttributeValue | undefined;

/** The event a span of the standard browser instrumentations stands for, if any. */
export function standardSpanEvent(name: string, lookup: Lookup): StandardEvent | undefined {
  if (name === DOCUMENT_LOAD_SPAN) return { type: 'page_view' };
  if (name === CLICK_SPAN && lookup(STANDARD_ATTR.eventType) === 'click') {
    return { type: UI_CLICK, props: clickProps(lookup(STANDARD_ATTR.targetXpath), lookup(STANDARD_ATTR.targetElement)) };
  }
  return undefined;
}

/** The event a log record of the OpenTelemetry browser instrumentation stands for, if any. */
export function standardLogEvent(eventName: string, lookup: Lookup): StandardEvent | undefined {
  if (eventName === NAVIGATION_EVENT) return { type: 'page_view' };
  if (eventName === CLICK_EVENT) {
    const props = clickProps(lookup(STANDARD_ATTR.cssSelector), lookup(STANDARD_ATTR.tagName));
    const x = lookup(STANDARD_ATTR.pageX);
    const y = lookup(STANDARD_ATTR.pageY);
    // Pixels of the page as sent; the document's size is not sent, so no share of it can be made.
    if (typeof x === 'number' && Number.isFinite(x)) props.page_x = Math.round(x);
    if (typeof y === 'number' && Number.isFinite(y)) props.page_y = Math.round(y);
    return { type: UI_CLICK, props };
  }
  return undefined;
}

/** Whether a log record's event name is one this mapping reads (so it is an event, not a log line). */
export function isStandardLogEvent(eventName: string): boolean {
  return eventName === NAVIGATION_EVENT || eventName === CLICK_EVENT;
}

/**
 * The element clicked: its selector (an XPath or CSS selector, with any URL query and e-mail
 * address taken out, as names are: an id or attribute can hold either) and its tag in lower case.
 */
function clickProps(selector: AttributeValue | undefined, tag: AttributeValue | undefined): Record<string, string | number> {
  const props: Record<string, string | number> = {};
  if (typeof selector === 'string' && selector !== '')
    props[UI_CLICK_PROPS.selector] = nameWithoutPrivate(selector).slice(0, MAX_SELECTOR_CHARS);
  if (typeof tag === 'string' && tag !== '') props[UI_CLICK_PROPS.tag] = tag.toLowerCase().slice(0, 32);
  return props;
}

/** The page's URL of an item: `url.full`, or the older `http.url`. */
export function pageUrlOf(lookup: Lookup): string | undefined {
  const url = lookup(STANDARD_ATTR.urlFull) ?? lookup(STANDARD_ATTR.httpUrl);
  return typeof url === 'string' ? url : undefined;
}

/** The path of a page URL (no query, no fragment), for items that send no `url.path`. */
export function pathOfUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    // Not an absolute URL: no path can be read from it.
    return undefined;
  }
}
