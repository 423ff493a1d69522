// The privacy rules the service applies to OTLP attributes itself (src/otlp/privacy.ts): each rule,
// the keys that must stay, no copy when nothing goes, and the same decisions as the Collector's
// `transform/privacy` statements in collector/config.yaml, read from the file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Attributes, SpanData } from '../src/otlp/decode.js';
import { itemWithoutPrivate, resourceWithoutPrivate, spanWithoutPrivate, withoutPrivate, withoutQuery } from '../src/otlp/privacy.js';

const ADDRESS_PREFIXES = ['client', 'network.peer', 'net.peer', 'net.sock.peer'];
const ADDRESS_SUFFIXES = ['address', 'ip', 'addr', 'port'];
const ADDRESS_KEYS = ADDRESS_PREFIXES.flatMap((prefix) => ADDRESS_SUFFIXES.map((suffix) => `${prefix}.${suffix}`));
const HOST_ADDRESS_KEYS = ADDRESS_SUFFIXES.map((suffix) => `host.${suffix}`);
const HEADER_KEYS = [
  'http.request.header.cookie',
  'http.request.header.authorization',
  'http.response.header.set-cookie',
  'http.request.header.',
];
const ENDUSER_KEYS = ['enduser.id', 'enduser.role', 'enduser.scope', 'enduser.'];

/** Keys no rule removes, some of them close to ones that are. */
const KEPT_KEYS = [
  'url.path',
  'url.scheme',
  'url.fragment.kind',
  'portfolio.event.type',
  'portfolio.object.id',
  'portfolio.props.query',
  'portfolio.referrer',
  'session.id',
  'user_agent.original',
  'service.name',
  'host.name',
  'http.request.method',
  'http.response.status_code',
  'http.request.headers',
  'http.client_ip_count',
  'network.protocol.name',
  'network.peer',
  'client.addresses',
  'client.geo.country',
  'net.peer.name',
  'enduser',
  'enduserid',
  'url.querystring',
  'xurl.query',
];

const one = (key: string, value: Attributes[string] = 'v'): Attributes => ({ [key]: value });

describe('withoutPrivate(): span, span event, data point and log record attributes', () => {
  it.each(ADDRESS_KEYS)('removes the client or peer address %s', (key) => {
    expect(withoutPrivate({ 'url.path': '/', [key]: '203.0.113.7' })).toEqual({ 'url.path': '/' });
  });

  it.each(['http.client_ip', ...HEADER_KEYS, ...ENDUSER_KEYS, 'url.query'])('removes %s', (key) => {
    expect(withoutPrivate({ 'url.path': '/', [key]: 'secret' })).toEqual({ 'url.path': '/' });
  });

  it('removes a value of any type', () => {
    expect(
      withoutPrivate({ 'client.port': 443, 'enduser.id': null, 'http.request.header.accept': ['a', 'b'], 'url.query': { q: 1 } }),
    ).toEqual({});
  });

  it.each(KEPT_KEYS)('keeps %s', (key) => {
    const attributes = one(key, 'http://example.com/a?b#c');
    expect(withoutPrivate(attributes)).toBe(attributes);
  });

  it("keeps a host's addresses, which only the resource rules remove (as in the Collector)", () => {
    const attributes = Object.fromEntries(HOST_ADDRESS_KEYS.map((key) => [key, '192.0.2.1']));
    expect(withoutPrivate(attributes)).toBe(attributes);
  });

  it.each([
    ['url.full', 'https://example.com/projects?email=someone@example.com#top', 'https://example.com/projects'],
    ['url.full', 'https://example.com/projects#top?email=someone@example.com', 'https://example.com/projects'],
    ['url.full', 'https://example.com/?', 'https://example.com/'],
    ['url.full', '?email=someone@example.com', ''],
    ['url.full', 'https://example.com/a?b\nc', 'https://example.com/a'],
    ['http.url', 'http://localhost:5173/room?utm_source=x', 'http://localhost:5173/room'],
    ['http.url', 'http://localhost:5173/room#section', 'http://localhost:5173/room'],
    ['http.target', '/room?token=abc', '/room'],
  ])('cuts the query and fragment from %s %j', (key, url, cut) => {
    expect(withoutPrivate({ [key]: url, 'url.path': '/room' })).toEqual({ [key]: cut, 'url.path': '/room' });
  });

  it('leaves a URL without query or fragment as it is, and a URL that is not text', () => {
    const plain = { 'url.full': 'https://example.com/projects', 'http.url': 'http://localhost/', 'http.target': '/' };
    expect(withoutPrivate(plain)).toBe(plain);
    const notText: Attributes = { 'url.full': ['https://example.com/?a'], 'http.url': 42, 'http.target': null };
    expect(withoutPrivate(notText)).toBe(notText);
  });

  it('does not cut URLs under other names', () => {
    const attributes = { 'portfolio.referrer': 'https://example.com/?q=1', 'url.original': 'https://example.com/?q=1' };
    expect(withoutPrivate(attributes)).toBe(attributes);
  });

  it('returns the same map when nothing goes, and a new one otherwise, the input untouched and the order kept', () => {
    const clean = { 'portfolio.event.type': 'page_view', 'url.path': '/' };
    expect(withoutPrivate(clean)).toBe(clean);
    expect(withoutPrivate({})).toEqual({});

    const sent = { a: '1', 'client.address': '203.0.113.7', b: '2', 'url.full': 'https://example.com/x?y', c: '3', 'enduser.id': 'me' };
    const copy = { ...sent };
    const cleaned = withoutPrivate(sent);
    expect(cleaned).not.toBe(sent);
    expect(sent).toEqual(copy);
    expect(Object.entries(cleaned)).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['url.full', 'https://example.com/x'],
      ['c', '3'],
    ]);
  });

  it('keeps an attribute named "__proto__" as an attribute in the copy', () => {
    // JSON.parse makes "__proto__" an own property, as the decoders do.
    const sent = JSON.parse('{"__proto__": "kept", "client.address": "203.0.113.7"}') as Attributes;
    const cleaned = withoutPrivate(sent);
    expect(Object.keys(cleaned)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(cleaned, '__proto__')?.value).toBe('kept');
  });
});

describe('resourceWithoutPrivate()', () => {
  it.each([...ADDRESS_KEYS, ...HOST_ADDRESS_KEYS, ...ENDUSER_KEYS])('removes %s', (key) => {
    expect(resourceWithoutPrivate({ 'service.name': 'web', [key]: 'secret' })).toEqual({ 'service.name': 'web' });
  });

  it('keeps what describes the sender without identifying a person', () => {
    const resource = {
      'service.name': 'portfolio-web',
      'service.version': '1.0.0',
      'portfolio.site': 'portfolio',
      'user_agent.original': 'Mozilla/5.0',
      'host.name': 'kiosk-3',
      'host.arch': 'amd64',
      'telemetry.sdk.language': 'webjs',
    };
    expect(resourceWithoutPrivate(resource)).toBe(resource);
  });
});

const span = (fields: Partial<SpanData> = {}): SpanData => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  parentSpanId: '',
  traceState: '',
  name: 'page_view',
  kind: 1,
  startNs: 1n,
  endNs: 2n,
  attributes: { 'url.path': '/' },
  events: [],
  links: [],
  statusCode: 0,
  statusMessage: '',
  ...fields,
});

describe('spanWithoutPrivate()', () => {
  it('returns the same span when neither it nor its events and links carry anything to remove', () => {
    const clean = span({
      events: [{ timeNs: 1n, name: 'click', attributes: { 'portfolio.object.id': 'guitar' } }],
      links: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceState: '', attributes: { 'link.kind': 'follows_from' } }],
    });
    expect(spanWithoutPrivate(clean)).toBe(clean);
  });

  it("cleans the span's and its events' attributes, copying only what changed, the span sent untouched", () => {
    const quiet = { timeNs: 1n, name: 'quiet', attributes: { 'portfolio.object.id': 'guitar' } };
    const loud = { timeNs: 2n, name: 'loud', attributes: { 'enduser.id': 'me', 'url.full': 'https://example.com/a?b', kept: 'yes' } };
    const link = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceState: '', attributes: { x: 'y' } };
    const sent = span({ attributes: { 'url.path': '/', 'client.address': '203.0.113.7' }, events: [quiet, loud], links: [link] });
    const cleaned = spanWithoutPrivate(sent);
    expect(cleaned.attributes).toEqual({ 'url.path': '/' });
    expect(cleaned.events).toEqual([quiet, { timeNs: 2n, name: 'loud', attributes: { 'url.full': 'https://example.com/a', kept: 'yes' } }]);
    expect(cleaned.events[0]).toBe(quiet);
    expect(cleaned.links).toBe(sent.links);
    expect(sent.attributes).toHaveProperty('client.address');
    expect(sent.events[1]).toBe(loud);
    expect(loud.attributes).toHaveProperty('enduser.id');
  });

  it("cleans its links' attributes, copying only what changed, the span sent untouched", () => {
    const quiet = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceState: '', attributes: { 'link.kind': 'follows_from' } };
    const loud = {
      traceId: 'c'.repeat(32),
      spanId: 'd'.repeat(16),
      traceState: 'vendor=1',
      attributes: { 'client.address': '203.0.113.7', 'enduser.id': 'me', 'url.full': 'https://example.com/a?b#c', kept: 'yes' },
    };
    const sent = span({ links: [quiet, loud] });
    const cleaned = spanWithoutPrivate(sent);
    expect(cleaned.attributes).toBe(sent.attributes);
    expect(cleaned.events).toBe(sent.events);
    expect(cleaned.links).toEqual([quiet, { ...loud, attributes: { 'url.full': 'https://example.com/a', kept: 'yes' } }]);
    expect(cleaned.links[0]).toBe(quiet);
    expect(sent.links[1]).toBe(loud);
    expect(loud.attributes).toHaveProperty('client.address');
  });

  it('cleans an event of a span whose own attributes are clean', () => {
    const sent = span({ events: [{ timeNs: 1n, name: 'e', attributes: { 'http.request.header.cookie': 'c' } }] });
    const cleaned = spanWithoutPrivate(sent);
    expect(cleaned.attributes).toBe(sent.attributes);
    expect(cleaned.events).toEqual([{ timeNs: 1n, name: 'e', attributes: {} }]);
    expect(sent.events[0]!.attributes).toEqual({ 'http.request.header.cookie': 'c' });
  });
});

describe('itemWithoutPrivate()', () => {
  it('cleans the attributes of a data point or log record, keeping its other fields', () => {
    const point = { attributes: { 'url.path': '/', 'net.peer.port': 443 }, value: 3 };
    expect(itemWithoutPrivate(point)).toEqual({ attributes: { 'url.path': '/' }, value: 3 });
    expect(point.attributes).toHaveProperty('net.peer.port');
    const clean = { attributes: { 'url.path': '/' }, value: 3 };
    expect(itemWithoutPrivate(clean)).toBe(clean);
  });
});

describe('withoutQuery()', () => {
  it.each([
    ['https://example.com/a', 'https://example.com/a'],
    ['https://example.com/a?b=1', 'https://example.com/a'],
    ['https://example.com/a#b', 'https://example.com/a'],
    ['https://example.com/a#b?c', 'https://example.com/a'],
    ['https://example.com/a?b#c', 'https://example.com/a'],
    ['', ''],
    ['?', ''],
  ])('%j is %j', (url, cut) => {
    expect(withoutQuery(url)).toBe(cut);
  });
});

// The Collector's statements, read from its configuration: for every key above, and in every
// context, the Collector and the service decide alike.
describe('the same rules as the Collector', () => {
  const config = readFileSync(fileURLToPath(new URL('../../collector/config.yaml', import.meta.url)), 'utf8');

  /** Per signal and context: the key patterns deleted, the keys deleted, the keys whose URL is cut. */
  function collectorRules() {
    const rules = new Map<string, { patterns: RegExp[]; keys: string[]; urls: string[] }>();
    let signal = '';
    let context = '';
    for (const line of config.split('\n')) {
      // Each signal's statements (`trace_statements:` and so on) end where a less indented key starts.
      if (/^ {0,4}\w/.test(line)) [signal, context] = ['', ''];
      const section = /^ {4}(\w+)_statements:/.exec(line);
      if (section) signal = section[1]!;
      const named = /- context: (\w+)/.exec(line);
      if (named) context = named[1]!;
      if (signal === '' || context === '' || !/^\s+- (delete|replace)/.test(line)) continue;
      const entry = rules.get(`${signal} ${context}`) ?? { patterns: [], keys: [], urls: [] };
      rules.set(`${signal} ${context}`, entry);
      const pattern = /delete_matching_keys\(attributes, "(.*)"\)/.exec(line);
      // OTTL reads "\\." in its string as "\.", as JavaScript's RegExp needs it.
      if (pattern) entry.patterns.push(new RegExp(pattern[1]!.replaceAll('\\\\', '\\')));
      const key = /delete_key\(attributes, "(.*)"\)/.exec(line);
      if (key) entry.keys.push(key[1]!);
      const url = /replace_pattern\(attributes\["(.*)"\], "\[\?#\]\.\*\$", ""\)/.exec(line);
      if (url) entry.urls.push(url[1]!);
    }
    return rules;
  }

  const rules = collectorRules();
  const candidates = [...ADDRESS_KEYS, ...HOST_ADDRESS_KEYS, 'http.client_ip', ...HEADER_KEYS, ...ENDUSER_KEYS, 'url.query', ...KEPT_KEYS];
  const QUERY_URL = 'https://example.com/a?b#c';
  /** Signal and context of every group of statements. */
  const PLACES = ['log log', 'log resource', 'metric datapoint', 'metric resource', 'trace resource', 'trace span', 'trace spanevent'];

  it('has a privacy context for every place the service cleans', () => {
    expect([...rules.keys()].sort()).toEqual(PLACES);
  });

  it.each(PLACES)('removes the same keys and cuts the same URLs in %s', (place) => {
    const { patterns, keys, urls } = rules.get(place)!;
    const clean = place.endsWith(' resource') ? resourceWithoutPrivate : withoutPrivate;
    for (const key of candidates) {
      const collectorRemoves = keys.includes(key) || patterns.some((pattern) => pattern.test(key));
      expect(key in clean(one(key)), `${place}: ${key}`).toBe(!collectorRemoves);
    }
    for (const key of ['url.full', 'http.url', 'http.target', 'url.original']) {
      expect(clean(one(key, QUERY_URL))[key], `${place}: ${key}`).toBe(urls.includes(key) ? 'https://example.com/a' : QUERY_URL);
    }
  });
});
