// The privacy rules the service applies to OTLP attributes and log bodies itself
// (src/otlp/privacy.ts): each rule, the keys that must stay, no copy when nothing goes, and the same
// decisions as the Collector's `transform/privacy` statements in collector/config.yaml, read from
// the file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../src/otlp/decode.js';
import type { SpanData } from '../src/otlp/traces/span-data.js';
import {
  bodyWithoutPrivate,
  itemWithoutPrivate,
  logRecordWithoutPrivate,
  resourceWithoutPrivate,
  spanWithoutPrivate,
  textWithoutQueries,
  withoutPrivate,
  withoutQuery,
} from '../src/otlp/privacy.js';
import { nameWithoutPrivate } from '../src/otlp/name-privacy.js';
import { NAME_SAMPLES } from './support/name-samples.js';

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

/** The keys whose text value is cut before its query in a key-value-list body. */
const BODY_URL_KEYS = ['url', 'referrer', 'url.full', 'http.url', 'http.target'];
const REMOVED_KEYS = [...ADDRESS_KEYS, 'http.client_ip', ...HEADER_KEYS, ...ENDUSER_KEYS, 'url.query'];

describe('bodyWithoutPrivate(): a log record body', () => {
  it('cleans a key-value-list body as the browser page view event carries it', () => {
    const body = {
      type: 0,
      url: 'https://example.com/projects?email=someone@example.com#top',
      referrer: 'https://search.example/results?q=my+name',
      title: 'Projects',
      'enduser.id': 'me',
      'http.request.header.cookie': 'session=secret',
      'url.query': 'email=someone@example.com',
    };
    const copy = { ...body };
    expect(bodyWithoutPrivate(body)).toEqual({
      type: 0,
      url: 'https://example.com/projects',
      referrer: 'https://search.example/results',
      title: 'Projects',
    });
    expect(body).toEqual(copy);
  });

  it.each(REMOVED_KEYS)('removes %s from a key-value-list body', (key) => {
    expect(bodyWithoutPrivate({ title: 'Projects', [key]: 'secret' })).toEqual({ title: 'Projects' });
  });

  it.each(BODY_URL_KEYS)('cuts the query and fragment of %s in a key-value-list body', (key) => {
    expect(bodyWithoutPrivate({ [key]: 'http://localhost:5173/room?token=abc#top', title: 'Room' })).toEqual({
      [key]: 'http://localhost:5173/room',
      title: 'Room',
    });
  });

  it('returns the same body when nothing goes: kept keys, URLs without a query, values that are not text, nested maps', () => {
    const kept = Object.fromEntries(
      KEPT_KEYS.filter((key) => !BODY_URL_KEYS.includes(key)).map((key) => [key, 'https://example.com/a?b#c']),
    );
    expect(bodyWithoutPrivate(kept)).toBe(kept);
    const plain = { url: 'https://example.com/projects', referrer: '', 'url.full': 'https://example.com/' };
    expect(bodyWithoutPrivate(plain)).toBe(plain);
    const notText = { url: ['https://example.com/?a'], referrer: 42, 'http.url': null };
    expect(bodyWithoutPrivate(notText)).toBe(notText);
    // Only the body's own keys, as the Collector's statements reach them.
    const nested = { page: { url: 'https://example.com/?a', 'enduser.id': 'me' } };
    expect(bodyWithoutPrivate(nested)).toBe(nested);
  });

  it('leaves a list body, a number, a boolean and an absent body as they are', () => {
    const list = ['https://example.com/?a', { 'enduser.id': 'me' }];
    expect(bodyWithoutPrivate(list)).toBe(list);
    for (const body of [42, true, null]) expect(bodyWithoutPrivate(body)).toBe(body);
  });

  it('cuts the queries of the URLs in a text body', () => {
    expect(bodyWithoutPrivate('GET https://example.com/projects?email=someone@example.com failed')).toBe(
      'GET https://example.com/projects failed',
    );
  });
});

/** Text bodies and what is stored of them. */
const TEXT_BODIES: Array<[string, string]> = [
  ['https://example.com/projects?email=someone@example.com#top', 'https://example.com/projects'],
  ['http://localhost:5173/room#section', 'http://localhost:5173/room'],
  ['GET http://localhost:5173/room?token=abc failed: 503', 'GET http://localhost:5173/room failed: 503'],
  [
    'from "https://a.example/x?y=1" to <wss://b.example/#frag> and \'ftp://c.example/?z\'',
    'from "https://a.example/x" to <wss://b.example/> and \'ftp://c.example/\'',
  ],
  ['two: https://a.example/?q=1 https://b.example/p?q=2#f.', 'two: https://a.example/ https://b.example/p'],
  ['HTTPS://EXAMPLE.COM/A?B=C\nnext line?', 'HTTPS://EXAMPLE.COM/A\nnext line?'],
  ['tab\thttps://a.example/a?b\tc\rhttps://b.example/?d\fe', 'tab\thttps://a.example/a\tc\rhttps://b.example/\fe'],
  ['https://example.com/?', 'https://example.com/'],
  ['https://example.com/projects', 'https://example.com/projects'],
  ['Why? Because # of items', 'Why? Because # of items'],
  ['see https://example.com/a and ask why?', 'see https://example.com/a and ask why?'],
  ['', ''],
];

describe('textWithoutQueries()', () => {
  it.each(TEXT_BODIES)('%j is %j', (text, cut) => {
    expect(textWithoutQueries(text)).toBe(cut);
  });
});

describe('logRecordWithoutPrivate()', () => {
  const record = (fields: { attributes: Attributes; body: Attributes[string] }) => ({ severityText: 'INFO', ...fields });

  it('cleans the attributes and the body of a log record, keeping its other fields, the record sent untouched', () => {
    const sent = record({
      attributes: { 'url.path': '/', 'client.address': '203.0.113.7' },
      body: { url: '/room?token=abc', title: 'Room' },
    });
    expect(logRecordWithoutPrivate(sent)).toEqual({
      severityText: 'INFO',
      attributes: { 'url.path': '/' },
      body: { url: '/room', title: 'Room' },
    });
    expect(sent.attributes).toHaveProperty('client.address');
    expect(sent.body).toEqual({ url: '/room?token=abc', title: 'Room' });
  });

  it('cleans a body whose record has clean attributes, and a text body', () => {
    const attributes = { 'url.path': '/' };
    const cleaned = logRecordWithoutPrivate(record({ attributes, body: 'opened https://example.com/a?b' }));
    expect(cleaned).toEqual({ severityText: 'INFO', attributes, body: 'opened https://example.com/a' });
    expect(cleaned.attributes).toBe(attributes);
  });

  it('returns the same record when nothing goes', () => {
    for (const body of ['a line', { url: '/room', title: 'Room' }, null]) {
      const clean = record({ attributes: { 'url.path': '/' }, body });
      expect(logRecordWithoutPrivate(clean)).toBe(clean);
    }
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

  /** What the statements do to a map: the key patterns deleted, the keys deleted, the keys whose URL is cut. */
  interface MapRules {
    patterns: RegExp[];
    keys: string[];
    urls: string[];
  }
  interface PlaceRules {
    attributes: MapRules;
    /** A key-value-list log body: each statement guarded by `where IsMap(body)`. */
    body: MapRules;
    /** A text log body: `replace_pattern(body, ...) where IsString(body)`. */
    text: Array<{ pattern: string; replacement: string }>;
    /** Names cleaned (`replace_pattern(name, ...)`, `event_name`, `attributes["event.name"]`), in order. */
    names: Array<{ target: string; pattern: string; replacement: string }>;
    /** Statements this reader does not know, other than the bounds (`truncate_all`, `limit`). */
    unknown: string[];
  }
  const noRules = (): MapRules => ({ patterns: [], keys: [], urls: [] });
  /** An OTTL string literal's value: its escapes (`\\`, `\"`) are JSON's. */
  const ottlString = (literal: string): string => JSON.parse(literal) as string;
  const STRING = '"(?:\\\\.|[^\\\\"])*"';
  const STATEMENT = new RegExp(`^\\s+- (\\w+)\\((attributes|body)(?:\\[(${STRING})\\])?((?:, ${STRING})*)\\)(?: where (.*))?$`);
  const NAME_STATEMENT = new RegExp(
    `^\\s+- replace_pattern\\((name|event_name|attributes\\["(?:event\\.name|target_xpath|browser\\.css_selector)"\\]), (${STRING}), (${STRING})\\)$`,
  );

  /** Per signal and context (`log log`, `trace span` ...): what its statements remove and cut. */
  function collectorRules(): Map<string, PlaceRules> {
    const rules = new Map<string, PlaceRules>();
    let signal = '';
    let context = '';
    for (const line of config.split('\n')) {
      // Each signal's statements (`trace_statements:` and so on) end where a less indented key starts.
      if (/^ {0,4}\w/.test(line)) [signal, context] = ['', ''];
      const section = /^ {4}(\w+)_statements:/.exec(line);
      if (section) signal = section[1]!;
      const named = /- context: (\w+)/.exec(line);
      if (named) context = named[1]!;
      if (signal === '' || context === '' || !/^\s+- \w+\(/.test(line) || /^\s+- (truncate_all|limit)\(attributes,/.test(line)) continue;
      const place = `${signal} ${context}`;
      const entry = rules.get(place) ?? { attributes: noRules(), body: noRules(), text: [], names: [], unknown: [] };
      rules.set(place, entry);
      const nameStatement = NAME_STATEMENT.exec(line);
      if (nameStatement) {
        const [, target, pattern, replacement] = nameStatement;
        // The Collector reads `$$` in its configuration as `$`.
        entry.names.push({ target: target!, pattern: ottlString(pattern!), replacement: ottlString(replacement!).replaceAll('$$', '$') });
        continue;
      }
      const statement = STATEMENT.exec(line);
      if (!statement) {
        entry.unknown.push(line.trim());
        continue;
      }
      const [, name, target, key, rest, condition] = statement;
      const args = [...rest!.matchAll(new RegExp(STRING, 'g'))].map(([literal]) => ottlString(literal));
      const guard = target === 'body' ? (key === undefined && name === 'replace_pattern' ? 'IsString(body)' : 'IsMap(body)') : undefined;
      const map = target === 'body' ? entry.body : entry.attributes;
      if (condition !== guard) entry.unknown.push(line.trim());
      else if (name === 'delete_matching_keys' && key === undefined && args.length === 1) map.patterns.push(new RegExp(args[0]!));
      else if (name === 'delete_key' && key === undefined && args.length === 1) map.keys.push(args[0]!);
      else if (name === 'replace_pattern' && key !== undefined && args[0] === '[?#].*$' && args[1] === '') map.urls.push(ottlString(key));
      // The Collector reads `$$` in its configuration as `$`; JavaScript's replace reads `$1` as Go does.
      else if (name === 'replace_pattern' && target === 'body' && key === undefined && args.length === 2)
        entry.text.push({ pattern: args[0]!, replacement: args[1]!.replaceAll('$$', '$') });
      else entry.unknown.push(line.trim());
    }
    return rules;
  }

  const rules = collectorRules();
  const candidates = [...ADDRESS_KEYS, ...HOST_ADDRESS_KEYS, 'http.client_ip', ...HEADER_KEYS, ...ENDUSER_KEYS, 'url.query', ...KEPT_KEYS];
  const QUERY_URL = 'https://example.com/a?b#c';
  /** Signal and context of every group of statements. */
  // Scopes only for logs: trace and metric rows store no scope attributes (only a span's scope
  // name and version), so neither side cleans them there.
  const PLACES = [
    'log log',
    'log resource',
    'log scope',
    'metric datapoint',
    'metric metric',
    'metric resource',
    'trace resource',
    'trace span',
    'trace spanevent',
  ];

  it('has a privacy context for every place the service cleans, and only statements this test reads', () => {
    expect([...rules.keys()].sort()).toEqual(PLACES);
    for (const [place, { unknown }] of rules) expect(unknown, place).toEqual([]);
  });

  /** Where the Collector cleans names, and which: every other place has no name statement. */
  const SELECTORS = ['attributes["target_xpath"]', 'attributes["browser.css_selector"]'];
  const NAME_PLACES: Record<string, string[]> = {
    'trace span': [...SELECTORS, 'name'],
    'trace spanevent': [...SELECTORS, 'name'],
    'metric metric': ['name'],
    'metric datapoint': SELECTORS,
    'log log': [...SELECTORS, 'event_name', 'attributes["event.name"]'],
  };
  /** Contexts with attributes to clean; `metric` has only a name. */
  const ATTRIBUTE_PLACES = PLACES.filter((place) => place !== 'metric metric');

  it.each(ATTRIBUTE_PLACES)('removes the same keys and cuts the same URLs in %s', (place) => {
    const { attributes, body, text } = rules.get(place)!;
    const clean = place.endsWith(' resource') ? resourceWithoutPrivate : withoutPrivate;
    for (const key of candidates) {
      const collectorRemoves = attributes.keys.includes(key) || attributes.patterns.some((pattern) => pattern.test(key));
      expect(key in clean(one(key)), `${place}: ${key}`).toBe(!collectorRemoves);
    }
    for (const key of ['url.full', 'http.url', 'http.target', 'url.original']) {
      const cut = attributes.urls.includes(key) ? 'https://example.com/a' : QUERY_URL;
      expect(clean(one(key, QUERY_URL))[key], `${place}: ${key}`).toBe(cut);
    }
    if (place !== 'log log') expect([body, text], place).toEqual([noRules(), []]);
  });

  it.each(PLACES)('cleans the same names in %s', (place) => {
    const { names, attributes } = rules.get(place)!;
    const targets = NAME_PLACES[place] ?? [];
    expect([...new Set(names.map(({ target }) => target))], place).toEqual(targets);
    if (place === 'metric metric') expect(attributes, place).toEqual(noRules());
    for (const target of targets) {
      const statements = names.filter((statement) => statement.target === target);
      // Applied in the order the Collector runs them.
      const collector = (name: string) =>
        statements.reduce((text, { pattern, replacement }) => text.replace(new RegExp(pattern, 'g'), replacement), name);
      for (const [sample, stored] of NAME_SAMPLES) {
        expect(collector(sample), `${place} ${target}: ${sample}`).toBe(stored);
        expect(nameWithoutPrivate(sample), sample).toBe(stored);
        // A selector attribute is cleaned by the service's attribute rules, as a name.
        const selector = /^attributes\["(target_xpath|browser\.css_selector)"\]$/.exec(target)?.[1];
        if (selector) expect(withoutPrivate(one(selector, sample))[selector], `${place} ${selector}: ${sample}`).toBe(stored);
      }
    }
  });

  it('cleans a key-value-list log body as the log statements do', () => {
    const { body } = rules.get('log log')!;
    const cleaned = (key: string, value: string) => bodyWithoutPrivate(one(key, value)) as Attributes;
    for (const key of [...candidates, 'url', 'referrer', 'title']) {
      const collectorRemoves = body.keys.includes(key) || body.patterns.some((pattern) => pattern.test(key));
      expect(key in cleaned(key, 'v'), key).toBe(!collectorRemoves);
    }
    for (const key of [...BODY_URL_KEYS, 'url.original', 'title']) {
      expect(cleaned(key, QUERY_URL)[key], key).toBe(body.urls.includes(key) ? 'https://example.com/a' : QUERY_URL);
    }
  });

  it('cuts the URLs of a text log body as the log statements do', () => {
    const { text } = rules.get('log log')!;
    expect(text).toHaveLength(1);
    const [{ pattern, replacement }] = text as [(typeof text)[number]];
    for (const [sample] of TEXT_BODIES) {
      expect(textWithoutQueries(sample), sample).toBe(sample.replace(new RegExp(pattern, 'g'), replacement));
    }
  });
});
