// What must never be stored, removed from OTLP attributes before they become rows: client and peer
// addresses, `enduser.*`, HTTP headers, and query strings (`url.query`; the query and fragment cut
// from `url.full`, `http.url`, `http.target`). It mirrors the Collector's `transform/privacy`
// processor (collector/config.yaml), so a service that browsers reach directly stores none of
// what the Collector would have removed; a change to one belongs in the other. (The Collector's
// bounds on value length and attribute count are not repeated: the mapping has its own.)
//
// A log record's body gets the same treatment where it has the shape of attributes: a key-value
// list loses the keys attributes lose and has its URL-valued keys cut (the browser's page-view event
// carries `url` and `referrer` there); a text body has the query cut from every URL in it.
//
// It runs for every span, data point and log record: a key is checked by its first character and
// a prefix, in a quarter of the time the Collector's regular expressions take in JavaScript (the
// comments give them, and a test holds these checks to them); a map is copied only when something
// in it goes.
//
// Names (a span's, a span event's, a log record's event name) are cleaned here too, by the rules
// of ./name-privacy.ts, which metric names share.
import type { AttributeValue, Attributes } from './decode.js';
import type { SpanData } from './traces/span-data.js';
import { nameWithoutPrivate } from './name-privacy.js';

/** The last part of an address key: `client.address`, `net.peer.ip`, `net.sock.peer.addr`, `host.port`. */
const ADDRESS_SUFFIXES: ReadonlySet<string> = new Set(['address', 'ip', 'addr', 'port']);

/** What becomes of one attribute. */
const KEEP = 0;
const REMOVE = 1;
/** Kept without its query and fragment (the Collector's `replace_pattern(..., "[?#].*$", "")`). */
const CUT_QUERY = 2;
/** Cleaned as a name is (./name-privacy.ts): a URL's query cut, e-mail addresses masked. */
const AS_NAME = 3;
type Verdict = typeof KEEP | typeof REMOVE | typeof CUT_QUERY | typeof AS_NAME;

/**
 * The clicked element's selector of the browser instrumentations: the user-interaction
 * instrumentation's XPath and the browser instrumentation's CSS selector. A page's ids and
 * attributes can hold an e-mail address or a URL with its query (`//*[@id="write-me@example.com"]`).
 */
const SELECTOR_KEYS: ReadonlySet<string> = new Set(['target_xpath', 'browser.css_selector']);

function isAddress(key: string, prefix: string): boolean {
  return key.startsWith(prefix) && ADDRESS_SUFFIXES.has(key.slice(prefix.length));
}

/** `^(client|network\.peer|net\.peer|net\.sock\.peer)\.(address|ip|addr|port)$` */
function isPeerAddress(key: string): boolean {
  return isAddress(key, 'client.') || isAddress(key, 'network.peer.') || isAddress(key, 'net.peer.') || isAddress(key, 'net.sock.peer.');
}

/**
 * A resource's rules, as the Collector's resource contexts: addresses, `host.*` ones included
 * (`^(client|network\.peer|net\.peer|net\.sock\.peer|host)\.(address|ip|addr|port)$`), and `^enduser\..*`.
 */
function resourceVerdict(key: string): Verdict {
  switch (key[0]) {
    case 'c':
    case 'n':
      return isPeerAddress(key) ? REMOVE : KEEP;
    case 'h':
      return isAddress(key, 'host.') ? REMOVE : KEEP;
    case 'e':
      return key.startsWith('enduser.') ? REMOVE : KEEP;
    default:
      return KEEP;
  }
}

/**
 * The rules for a span, span event, data point or log record, as the Collector's span, spanevent,
 * datapoint and log contexts: the addresses above but not `host.*`,
 * `^http\.(client_ip|request\.header\..*|response\.header\..*)$`, `^enduser\..*` and `url.query`
 * removed; `url.full`, `http.url` and `http.target` cut before their query; a clicked element's
 * selector (`target_xpath`, `browser.css_selector`) cleaned as a name.
 */
function itemVerdict(key: string): Verdict {
  switch (key[0]) {
    case 't':
      return SELECTOR_KEYS.has(key) ? AS_NAME : KEEP;
    case 'b':
      return SELECTOR_KEYS.has(key) ? AS_NAME : KEEP;
    case 'c':
    case 'n':
      return isPeerAddress(key) ? REMOVE : KEEP;
    case 'h':
      if (key === 'http.url' || key === 'http.target') return CUT_QUERY;
      return key === 'http.client_ip' || key.startsWith('http.request.header.') || key.startsWith('http.response.header.') ? REMOVE : KEEP;
    case 'e':
      return key.startsWith('enduser.') ? REMOVE : KEEP;
    case 'u':
      return key === 'url.query' ? REMOVE : key === 'url.full' ? CUT_QUERY : KEEP;
    default:
      return KEEP;
  }
}

/**
 * The rules for a key-value-list log body: an attribute's, and the page-view event's own URL keys
 * `url` and `referrer` cut too (the Collector's `replace_pattern(body["url"], ...)`).
 */
function bodyVerdict(key: string): Verdict {
  return key === 'url' || key === 'referrer' ? CUT_QUERY : itemVerdict(key);
}

/** A resource's attributes without addresses and end-user ids; the same object when it has none. */
export function resourceWithoutPrivate(attributes: Attributes): Attributes {
  return without(attributes, resourceVerdict);
}

/**
 * The attributes of a span, span event, data point or log record without what the privacy rules
 * remove, URLs cut before their query; the same object when nothing had to go.
 */
export function withoutPrivate(attributes: Attributes): Attributes {
  return without(attributes, itemVerdict);
}

/**
 * A span with its name, its own, its events' and its links' attributes cleaned (links are stored
 * too, in `Links.Attributes`), and its events' names; the same span when nothing had to go.
 */
export function spanWithoutPrivate(span: SpanData): SpanData {
  const name = nameWithoutPrivate(span.name);
  const attributes = withoutPrivate(span.attributes);
  const events = itemsWithoutPrivate(span.events, eventWithoutPrivate);
  const links = itemsWithoutPrivate(span.links, itemWithoutPrivate);
  return name === span.name && attributes === span.attributes && events === span.events && links === span.links
    ? span
    : { ...span, name, attributes, events, links };
}

/** A span event with its name and attributes cleaned; the same event when nothing had to go. */
function eventWithoutPrivate<Event extends { name: string; attributes: Attributes }>(event: Event): Event {
  const name = nameWithoutPrivate(event.name);
  const attributes = withoutPrivate(event.attributes);
  return name === event.name && attributes === event.attributes ? event : { ...event, name, attributes };
}

/** Each item cleaned; the same array when none changed, so a clean span allocates nothing. */
function itemsWithoutPrivate<Item>(items: Item[], clean: (item: Item) => Item): Item[] {
  let out = items;
  for (let i = 0; i < items.length; i++) {
    const cleaned = clean(items[i]!);
    if (cleaned === items[i]) continue;
    if (out === items) out = items.slice();
    out[i] = cleaned;
  }
  return out;
}

/** A data point or log record with its attributes cleaned; the same object when nothing had to go. */
export function itemWithoutPrivate<Item extends { attributes: Attributes }>(item: Item): Item {
  const attributes = withoutPrivate(item.attributes);
  return attributes === item.attributes ? item : { ...item, attributes };
}

/** The older way to name a log event: an attribute (semantic conventions before LogRecord.event_name). */
export const EVENT_NAME_ATTRIBUTE = 'event.name';

/**
 * A log record with its attributes, its body and its event name cleaned (LogRecord.event_name, and
 * the `event.name` attribute that names an event the older way); the same record when nothing had
 * to go.
 */
export function logRecordWithoutPrivate<LogRecord extends { attributes: Attributes; body: AttributeValue; eventName?: string }>(
  record: LogRecord,
): LogRecord {
  let attributes = withoutPrivate(record.attributes);
  const named = attributes[EVENT_NAME_ATTRIBUTE];
  if (typeof named === 'string') {
    const cleanedName = nameWithoutPrivate(named);
    if (cleanedName !== named) attributes = withName(attributes, cleanedName);
  }
  const body = bodyWithoutPrivate(record.body);
  const eventName = record.eventName === undefined ? undefined : nameWithoutPrivate(record.eventName);
  if (attributes === record.attributes && body === record.body && eventName === record.eventName) return record;
  return eventName === undefined ? { ...record, attributes, body } : { ...record, attributes, body, eventName };
}

/** A copy of `attributes` with the `event.name` attribute replaced, the order kept, no prototype (as the decoders' maps). */
function withName(attributes: Attributes, name: string): Attributes {
  const out = Object.create(null) as Attributes;
  for (const key of Object.keys(attributes)) out[key] = key === EVENT_NAME_ATTRIBUTE ? name : attributes[key]!;
  return out;
}

/**
 * A log body without what the privacy rules remove: a key-value list cleaned by its own keys (not
 * nested maps: the Collector's statements reach only `body["key"]`), a text cut at every URL's
 * query. A list, number, boolean or absent body is kept as the Collector keeps it: its statements
 * name a body's own keys or the whole text, and reach no further. The same value when nothing had
 * to go.
 */
export function bodyWithoutPrivate(body: AttributeValue): AttributeValue {
  if (typeof body === 'string') return textWithoutQueries(body);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return without(body, bodyVerdict);
}

/**
 * A URL with a scheme, up to its query or fragment, then the query and fragment, up to a space, a
 * quote or an angle bracket (where a URL written in text ends). The spaces are spelt out, as Go's
 * `\s` (the Collector's regular expressions) is narrower than JavaScript's. The Collector's log
 * statement `replace_pattern(body, ..., "$$1") where IsString(body)` holds the same pattern; a test
 * compares them.
 */
const URL_QUERY = /([A-Za-z][A-Za-z0-9+.-]*:\/\/[^?#\t\n\v\f\r "'<>]*)[?#][^\t\n\v\f\r "'<>]*/g;

/** Free text with the query and fragment cut from every URL in it; the same text when it has none. */
export function textWithoutQueries(text: string): string {
  // Most log lines hold no URL: skip the regular expression for them.
  return text.includes('://') ? text.replace(URL_QUERY, '$1') : text;
}

/** `url` up to its first `?` or `#`. */
export function withoutQuery(url: string): string {
  const query = url.indexOf('?');
  const fragment = url.indexOf('#');
  const end = query === -1 ? fragment : fragment === -1 ? query : Math.min(query, fragment);
  return end === -1 ? url : url.slice(0, end);
}

function without(attributes: Attributes, verdictOf: (key: string) => Verdict): Attributes {
  const keys = Object.keys(attributes);
  let out: Attributes | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const verdict = verdictOf(key);
    if (verdict === KEEP && out === undefined) continue;
    let value = attributes[key]!;
    if (verdict === CUT_QUERY && typeof value === 'string') value = withoutQuery(value);
    else if (verdict === AS_NAME && typeof value === 'string') value = nameWithoutPrivate(value);
    if (out === undefined) {
      if (verdict !== REMOVE && value === attributes[key]) continue;
      // The first change: a copy of everything before it. No prototype, as the decoders' maps, so
      // a key named "__proto__" stays an attribute.
      out = Object.create(null) as Attributes;
      for (let j = 0; j < i; j++) out[keys[j]!] = attributes[keys[j]!]!;
    }
    if (verdict !== REMOVE) out[key] = value;
  }
  return out ?? attributes;
}
