import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { Reader } from 'maxmind';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Catalog } from '../src/catalog/catalog.js';
import { countriesFrom, defaultCountryDatabase, noCountries } from '../src/events/country.js';
import { MAX_PROPS, shapeProblem } from '../src/events/event-shape.js';
import { type SenderDeps, senderOf } from '../src/events/sender.js';
import { MAX_AGE_MS, MAX_AHEAD_MS, type Sender, toEventRow } from '../src/events/to-event-row.js';
import { cutUserAgent, MAX_USER_AGENT_CHARS, UserAgents } from '../src/events/user-agent.js';
import { VisitorIds } from '../src/events/visitor-id.js';
import { createMetrics } from '../src/metrics/registry.js';

// The modules that turn one request and its events into rows (src/events), called directly: the
// country of an address (the database the service ships), the user agent's description and its
// cache, the daily visitor id, how a request's sender is judged per source, the refusal reason of
// a shape, and the row made from an event at the edges of each rule.

const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const DAY_MS = 86_400_000;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('country of an address', () => {
  const countries = countriesFrom(defaultCountryDatabase());

  it('uses the database file of the npm package', () => {
    expect(defaultCountryDatabase()).toMatch(/[/\\]@ip-location-db[/\\]geo-whois-asn-country-mmdb[/\\]geo-whois-asn-country\.mmdb$/);
  });

  it('answers the country code of IPv4 and IPv6 addresses', () => {
    expect(countries.of('8.8.8.8')).toBe('US');
    expect(countries.of('193.0.6.139')).toBe('NL');
    expect(countries.of('2001:4860:4860::8888')).toBe('US');
  });

  it('looks up an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    expect(countries.of('::ffff:193.0.6.139')).toBe('NL');
    expect(countries.of('::ffff:8.8.8.8')).toBe('US');
  });

  it('answers empty for private, loopback and invalid addresses', () => {
    expect(countries.of('10.0.0.1')).toBe('');
    expect(countries.of('127.0.0.1')).toBe('');
    expect(countries.of('::1')).toBe('');
    expect(countries.of('not an address')).toBe('');
    expect(countries.of('')).toBe('');
  });

  it('answers empty when the reader throws', () => {
    vi.spyOn(Reader.prototype, 'get').mockImplementation(() => {
      throw new Error('corrupt tree');
    });
    expect(countries.of('8.8.8.8')).toBe('');
  });

  it('keeps only a database answer of exactly two capital letters', () => {
    const answers: unknown[] = [];
    vi.spyOn(Reader.prototype, 'get').mockImplementation(() => answers.shift() as never);
    const cases: [unknown, string][] = [
      [{ country_code: 'DE' }, 'DE'],
      [{ country_code: 'de' }, ''],
      [{ country_code: 'DEU' }, ''],
      [{ country_code: 'XDE' }, ''],
      [{ country_code: 'D' }, ''],
      [{ country_code: '' }, ''],
      // Not a string, though its text would pass the pattern.
      [{ country_code: ['DE'] }, ''],
      [{ country_code: 42 }, ''],
      [{}, ''],
      [null, ''],
    ];
    for (const [answer, expected] of cases) {
      answers.push(answer);
      expect(countries.of('8.8.8.8'), JSON.stringify(answer)).toBe(expected);
    }
  });

  it('names the file and the way out when the database cannot be read', () => {
    const file = join('no-such-folder', 'countries.mmdb');
    expect(() => countriesFrom(file)).toThrow(
      new Error(
        `COUNTRY_DATABASE: cannot read ${file} (ENOENT: no such file or directory, open '${file}'); name an MMDB file, or set it to "off"`,
      ),
    );
  });

  it('answers empty for every address when lookups are off', () => {
    expect(noCountries.of('8.8.8.8')).toBe('');
  });
});

describe('user agents', () => {
  it('describes a browser by device, browser and OS', () => {
    expect(new UserAgents().describe(CHROME_LINUX)).toEqual({ device: 'desktop', browser: 'Chrome', os: 'Linux', bot: false });
    expect(new UserAgents().describe('Googlebot/2.1 (+http://www.google.com/bot.html)')).toEqual({
      device: 'bot',
      browser: 'Googlebot',
      os: 'unknown',
      bot: true,
    });
  });

  it('describes an empty or blank agent as unknown without parsing it', () => {
    expect(new UserAgents().describe('')).toEqual({ device: 'unknown', browser: 'unknown', os: 'unknown', bot: false });
    expect(new UserAgents().describe('   ')).toEqual({ device: 'unknown', browser: 'unknown', os: 'unknown', bot: true });
  });

  it('describes an agent bowser names nothing in as unknown, never as an empty name', () => {
    // Bowser answers an empty browser name for these; a blank label would be a row of its own.
    for (const agent of ['Mozilla/5.0', 'myagent', 'x/1.0']) {
      expect(new UserAgents().describe(agent)).toMatchObject({ device: 'unknown', browser: 'unknown', os: 'unknown' });
    }
  });

  it('cuts a browser name taken from the agent text to 64 characters', () => {
    const name = 'B'.repeat(100);
    expect(new UserAgents().describe(`${name}/1.0 `)).toEqual({ device: 'unknown', browser: 'B'.repeat(64), os: 'unknown', bot: false });
  });

  it('answers a seen agent from the cache', () => {
    const agents = new UserAgents();
    const first = agents.describe(CHROME_LINUX);
    agents.describe('Other/1.0 ');
    expect(agents.describe(CHROME_LINUX)).toBe(first);
  });

  it('keeps 2000 agents and clears the cache when one more comes', () => {
    const agents = new UserAgents();
    const first = agents.describe('Agent0/1.0 ');
    for (let i = 1; i < 2000; i++) agents.describe(`Agent${i}/1.0 `);
    // 2000 agents held: the first is still cached.
    expect(agents.describe('Agent0/1.0 ')).toBe(first);
    agents.describe('Agent2000/1.0 ');
    const again = agents.describe('Agent0/1.0 ');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('cuts an agent to 512 characters before parsing and caching it', () => {
    const cut = `${CHROME_LINUX} ${'x'.repeat(MAX_USER_AGENT_CHARS - CHROME_LINUX.length - 1)}`;
    expect(cut).toHaveLength(512);
    const agents = new UserAgents();
    const described = agents.describe(cut);
    expect(described).toEqual({ device: 'desktop', browser: 'Chrome', os: 'Linux', bot: false });
    // A bot marker past the cut is never seen.
    expect(agents.describe(`${cut} Googlebot/2.1`)).toBe(described);
  });

  it('cuts only agents longer than 512 characters', () => {
    const exact = 'a'.repeat(MAX_USER_AGENT_CHARS);
    expect(MAX_USER_AGENT_CHARS).toBe(512);
    expect(cutUserAgent(`${exact}b`)).toBe(exact);
    expect(cutUserAgent(exact)).toBe(exact);
    expect(cutUserAgent('short')).toBe('short');
    expect(cutUserAgent('')).toBe('');
  });
});

describe('visitor ids', () => {
  function clock(start: number) {
    const time = { now: start };
    return { time, now: () => time.now };
  }

  it('is 16 hex characters, the same all day for the same parts', () => {
    const { time, now } = clock(20_000 * DAY_MS);
    const ids = new VisitorIds(now);
    const id = ids.idOf('portfolio', '203.0.113.7', CHROME_LINUX);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    time.now += DAY_MS - 1;
    expect(ids.idOf('portfolio', '203.0.113.7', CHROME_LINUX)).toBe(id);
    expect(ids.idOf('portfolio', '203.0.113.8', CHROME_LINUX)).not.toBe(id);
  });

  it('changes at UTC midnight', () => {
    const { time, now } = clock(20_000 * DAY_MS + DAY_MS - 1);
    const ids = new VisitorIds(now);
    const before = ids.idOf('portfolio', '203.0.113.7', CHROME_LINUX);
    time.now += 1;
    const after = ids.idOf('portfolio', '203.0.113.7', CHROME_LINUX);
    expect(after).not.toBe(before);
    time.now += DAY_MS - 1;
    expect(ids.idOf('portfolio', '203.0.113.7', CHROME_LINUX)).toBe(after);
  });

  it('keeps the parts apart: moving text from one part to the next is another visitor', () => {
    const ids = new VisitorIds(() => 20_000 * DAY_MS);
    expect(ids.idOf('ab', 'c')).not.toBe(ids.idOf('a', 'bc'));
  });

  it('is salted from the first id on, so two services never agree on an id', () => {
    // The first days since the epoch too: the first id of a service always draws its salt.
    for (const time of [0, DAY_MS, 20_000 * DAY_MS]) {
      const one = new VisitorIds(() => time).idOf('portfolio', '203.0.113.7', CHROME_LINUX);
      const other = new VisitorIds(() => time).idOf('portfolio', '203.0.113.7', CHROME_LINUX);
      expect(one, `at ${time}`).not.toBe(other);
    }
  });
});

describe('sender of a request', () => {
  /** Visitor ids that record each hash asked for and answer a new id each time. */
  function recordingIds() {
    const calls: string[][] = [];
    const visitorIds = { idOf: (...parts: string[]) => `id-${calls.push(parts)}` } as VisitorIds;
    return { calls, visitorIds };
  }

  function depsWith(visitorIds: VisitorIds, privacySignalMode: 'anonymise' | 'drop' = 'anonymise'): SenderDeps {
    return {
      userAgents: new UserAgents(),
      visitorIds,
      privacySignalMode,
      metrics: createMetrics(),
      countries: countriesFrom(defaultCountryDatabase()),
    };
  }

  function request(headers: Record<string, string>, ip = '8.8.8.8'): FastifyRequest {
    return { headers, ip } as unknown as FastifyRequest;
  }

  it('hashes a beacon visitor from site, address and agent, once per site of the request', () => {
    const { calls, visitorIds } = recordingIds();
    const before = Date.now();
    const judged = senderOf(
      request({ 'user-agent': CHROME_LINUX, origin: 'https://portfolio.example' }),
      'beacon',
      'portfolio',
      depsWith(visitorIds),
    );
    const sender = judged.sender!;
    expect(sender).toMatchObject({
      source: 'beacon',
      site: 'portfolio',
      anonymise: false,
      device: 'desktop',
      browser: 'Chrome',
      os: 'Linux',
      origin: 'https://portfolio.example',
      country: 'US',
    });
    expect(sender.now).toBeGreaterThanOrEqual(before);
    expect(sender.now).toBeLessThanOrEqual(Date.now());
    // The session plays no part for a beacon: the address stands for the visitor.
    expect(sender.visitorId('portfolio', 's1')).toBe('id-1');
    expect(sender.visitorId('portfolio', 's2')).toBe('id-1');
    expect(sender.visitorId('blog', 's1')).toBe('id-2');
    expect(sender.visitorId('portfolio', 's1')).toBe('id-1');
    expect(calls).toEqual([
      ['portfolio', '8.8.8.8', CHROME_LINUX],
      ['blog', '8.8.8.8', CHROME_LINUX],
    ]);
  });

  it('hashes an OTLP visitor from site, session and agent, once per site and session, with no country', () => {
    const { calls, visitorIds } = recordingIds();
    const sender = senderOf(request({}), 'otlp', undefined, depsWith(visitorIds), CHROME_LINUX).sender!;
    expect(sender).toMatchObject({ source: 'otlp', site: undefined, anonymise: false, browser: 'Chrome', origin: undefined, country: '' });
    expect(sender.visitorId('portfolio', 's1')).toBe('id-1');
    expect(sender.visitorId('portfolio', 's2')).toBe('id-2');
    expect(sender.visitorId('blog', 's1')).toBe('id-3');
    expect(sender.visitorId('portfolio', 's1')).toBe('id-1');
    expect(sender.visitorId('portfolio', 's2')).toBe('id-2');
    expect(calls).toEqual([
      ['portfolio', 's1', CHROME_LINUX],
      ['portfolio', 's2', CHROME_LINUX],
      ['blog', 's1', CHROME_LINUX],
    ]);
  });

  it('takes an absent user agent as empty, and hashes the agent as cut', () => {
    const { calls, visitorIds } = recordingIds();
    const deps = depsWith(visitorIds);
    const bare = senderOf(request({}), 'beacon', 'portfolio', deps).sender!;
    expect(bare).toMatchObject({ device: 'unknown', browser: 'unknown', os: 'unknown' });
    bare.visitorId('portfolio', '');
    const long = `${CHROME_LINUX} ${'x'.repeat(600)}`;
    senderOf(request({ 'user-agent': long }), 'beacon', 'portfolio', deps).sender!.visitorId('portfolio', '');
    expect(calls).toEqual([
      ['portfolio', '8.8.8.8', ''],
      ['portfolio', '8.8.8.8', long.slice(0, 512)],
    ]);
  });

  it('counts and refuses nothing for a request without a privacy signal, in either mode', async () => {
    const { visitorIds } = recordingIds();
    for (const mode of ['anonymise', 'drop'] as const) {
      const deps = depsWith(visitorIds, mode);
      expect(senderOf(request({ 'user-agent': CHROME_LINUX }), 'beacon', undefined, deps).sender).toMatchObject({ anonymise: false });
      expect((await deps.metrics.privacySignals.get()).values).toEqual([]);
    }
  });

  it('refuses a bot, and a privacy signal in drop mode; anonymises it otherwise and counts it', async () => {
    const { visitorIds } = recordingIds();
    expect(
      senderOf(request({ 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' }), 'beacon', undefined, depsWith(visitorIds)),
    ).toEqual({
      refusal: 'bot',
      value: 'Googlebot/2.1 (+http://www.google.com/bot.html)',
    });
    expect(senderOf(request({ 'user-agent': CHROME_LINUX, 'sec-gpc': '1' }), 'beacon', undefined, depsWith(visitorIds, 'drop'))).toEqual({
      refusal: 'privacy_signal',
      value: 'Sec-GPC: 1',
    });
    const deps = depsWith(visitorIds);
    expect(senderOf(request({ 'user-agent': CHROME_LINUX, dnt: '1' }), 'beacon', undefined, deps).sender!.anonymise).toBe(true);
    expect((await deps.metrics.privacySignals.get()).values).toEqual([{ labels: { signal: 'dnt', action: 'anonymised' }, value: 1 }]);
  });
});

describe('shape of an event', () => {
  const event = { id: 'evt-00000001', type: 'page_view', ts: 1_700_000_000_000 };

  it('accepts an event within every bound', () => {
    expect(shapeProblem(event)).toBeUndefined();
    const props = Object.fromEntries(Array.from({ length: MAX_PROPS }, (_, i) => [`k${i}`, i]));
    expect(shapeProblem({ ...event, props })).toBeUndefined();
  });

  it('names a missing field', () => {
    expect(shapeProblem({ type: 'page_view', ts: 1 })).toBe('missing_field');
    expect(shapeProblem({ id: 'evt-00000001', type: 'page_view' })).toBe('missing_field');
  });

  it('names too many props only for the props count', () => {
    const props = Object.fromEntries(Array.from({ length: MAX_PROPS + 1 }, (_, i) => [`k${i}`, i]));
    expect(shapeProblem({ ...event, props })).toBe('too_many_props');
  });

  it('names every other problem an invalid field, those of props too', () => {
    expect(shapeProblem({ ...event, props: 'x' })).toBe('invalid_field');
    expect(shapeProblem({ ...event, props: { ['k'.repeat(33)]: 1 } })).toBe('invalid_field');
    expect(shapeProblem({ ...event, props: { k: null } })).toBe('invalid_field');
    expect(shapeProblem({ ...event, ts: 'yesterday' })).toBe('invalid_field');
    expect(shapeProblem({ ...event, id: 'short' })).toBe('invalid_field');
    expect(shapeProblem({ ...event, extra: 1 })).toBe('invalid_field');
    expect(shapeProblem('an event')).toBe('invalid_field');
  });
});

describe('row of an event', () => {
  const NOW = 1_700_000_000_000;
  const catalog = new Catalog({
    sites: [
      {
        id: 'portfolio',
        origins: ['https://portfolio.example'],
        rooms: [
          { id: 'studio', objects: [{ id: 'guitar', label: 'Guitar' }] },
          { id: 'hall', objects: [] },
        ],
      },
    ],
    eventTypes: ['page_view', 'object_click', 'object_view', 'room_enter', 'room_exit', 'navigation', 'time_spent'],
  });

  function sender(fields: Partial<Sender> = {}): Sender {
    return {
      source: 'beacon',
      site: undefined,
      visitorId: (site, session) => `visitor:${site}:${session}`,
      anonymise: false,
      device: 'desktop',
      browser: 'Chrome',
      os: 'Linux',
      country: 'NL',
      now: NOW,
      ...fields,
    };
  }

  function event(fields: Record<string, unknown> = {}) {
    return { id: 'evt-00000001', type: 'page_view', ts: NOW, session: 's1', ...fields };
  }

  it('keeps only the path of a path, a from and a to, whichever of query and fragment comes first', () => {
    const cases: Array<[string, string]> = [
      ['/work?token=1#top', '/work'],
      ['/work#top?token=1', '/work'],
      ['/work#section', '/work'],
      ['/work?q', '/work'],
      ['?only=query', ''],
      ['/plain/path', '/plain/path'],
    ];
    for (const [sent, kept] of cases) {
      const { row } = toEventRow(event({ type: 'navigation', path: sent, from: sent, to: sent }), catalog, sender());
      expect([row?.path, row?.nav_from, row?.nav_to]).toEqual([kept, kept, kept]);
    }
  });

  it('makes every column of a page view', () => {
    expect(toEventRow(event({ path: '/work?token=1#top', referrer: 'https://news.example.org/item?id=1' }), catalog, sender())).toEqual({
      row: {
        site: 'portfolio',
        type: 'page_view',
        ts: NOW,
        event_id: 'evt-00000001',
        session_id: 's1',
        visitor_id: 'visitor:portfolio:s1',
        source: 'beacon',
        path: '/work',
        referrer_host: 'news.example.org',
        object_id: '',
        room_id: '',
        nav_from: '',
        nav_to: '',
        duration_ms: 0,
        props: {},
        device: 'desktop',
        browser: 'Chrome',
        os: 'Linux',
        country: 'NL',
        utm_source: '',
        utm_medium: '',
        utm_campaign: '',
        utm_term: '',
        utm_content: '',
        received_at: NOW,
      },
    });
  });

  it('accepts an event exactly 24 hours old or 5 minutes ahead, and nothing past either', () => {
    expect(MAX_AGE_MS).toBe(24 * 3600_000);
    expect(MAX_AHEAD_MS).toBe(5 * 60_000);
    expect(toEventRow(event({ ts: NOW - MAX_AGE_MS }), catalog, sender()).row).toMatchObject({ ts: NOW - MAX_AGE_MS });
    expect(toEventRow(event({ ts: NOW - MAX_AGE_MS - 1 }), catalog, sender())).toEqual({ reason: 'too_old' });
    expect(toEventRow(event({ ts: NOW + MAX_AHEAD_MS }), catalog, sender()).row).toMatchObject({ ts: NOW + MAX_AHEAD_MS });
    expect(toEventRow(event({ ts: NOW + MAX_AHEAD_MS + 1 }), catalog, sender())).toEqual({ reason: 'in_future' });
  });

  it('stores an empty path, session and referrer when the event has none', () => {
    const { row } = toEventRow({ id: 'evt-00000001', type: 'page_view', ts: NOW }, catalog, sender());
    expect(row).toMatchObject({ path: '', session_id: '', visitor_id: 'visitor:portfolio:', referrer_host: '', nav_from: '' });
  });

  it('stores no session and no visitor id for an anonymised sender', () => {
    const visitorId = vi.fn(() => 'visitor');
    const { row } = toEventRow(event(), catalog, sender({ anonymise: true, visitorId }));
    expect(row).toMatchObject({ session_id: '', visitor_id: '' });
    expect(visitorId).not.toHaveBeenCalled();
  });

  it('takes a referrer that is not a URL as no referrer', () => {
    for (const referrer of ['not a url', '']) {
      expect(toEventRow(event({ referrer }), catalog, sender()).row).toMatchObject({ referrer_host: '', nav_from: '' });
    }
  });

  it('takes a referrer on the site as the page before, not a source', () => {
    expect(toEventRow(event({ referrer: 'https://portfolio.example/about?x=1' }), catalog, sender()).row).toMatchObject({
      referrer_host: '',
      nav_from: '/about',
    });
  });

  it('refuses an object event without its object', () => {
    expect(toEventRow(event({ type: 'object_click' }), catalog, sender())).toEqual({ reason: 'missing_field' });
    expect(toEventRow(event({ type: 'object_view' }), catalog, sender())).toEqual({ reason: 'missing_field' });
    expect(toEventRow(event({ type: 'object_view', room: 'studio' }), catalog, sender())).toEqual({ reason: 'missing_field' });
    expect(toEventRow(event({ type: 'object_view', object: 'guitar' }), catalog, sender()).row).toMatchObject({
      object_id: 'guitar',
      room_id: 'studio',
    });
  });

  it('refuses a room event without its room, and takes the room from the object', () => {
    expect(toEventRow(event({ type: 'room_enter' }), catalog, sender())).toEqual({ reason: 'missing_field' });
    expect(toEventRow(event({ type: 'room_exit' }), catalog, sender())).toEqual({ reason: 'missing_field' });
    expect(toEventRow(event({ type: 'room_exit', room: 'hall' }), catalog, sender()).row).toMatchObject({ room_id: 'hall', object_id: '' });
    expect(toEventRow(event({ type: 'room_enter', object: 'guitar' }), catalog, sender()).row).toMatchObject({
      room_id: 'studio',
      object_id: 'guitar',
    });
  });

  it('refuses a navigation without its target and a time spent without its duration', () => {
    expect(toEventRow(event({ type: 'navigation', from: '/a' }), catalog, sender())).toEqual({ reason: 'missing_field' });
    expect(toEventRow(event({ type: 'navigation', to: '/b?q=1' }), catalog, sender()).row).toMatchObject({ nav_from: '', nav_to: '/b' });
    expect(toEventRow(event({ type: 'time_spent' }), catalog, sender())).toEqual({ reason: 'missing_field' });
    expect(toEventRow(event({ type: 'time_spent', duration_ms: 0 }), catalog, sender()).row).toMatchObject({ duration_ms: 0 });
  });

  it('needs no room, object, target or duration on a page view', () => {
    expect(toEventRow(event({ room: 'hall' }), catalog, sender()).row).toMatchObject({ room_id: 'hall', object_id: '' });
    expect(toEventRow(event(), catalog, sender()).row).toMatchObject({ room_id: '', object_id: '', nav_to: '', duration_ms: 0 });
  });
});
