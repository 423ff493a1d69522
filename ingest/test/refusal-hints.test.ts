// Every refusal reason, sent through a real beacon on the embedded engine: the answer names the
// value and says what to do, `/api/stats` lists the same value and hint, and after a restart on
// the same data directory `/api/stats` still shows them, with the bound of values per site, day
// and reason kept across the restart.
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_VALUES_PER_REASON } from '../src/refusals/refused-values.js';
import { beaconEvent, freshDataDir, postBeacon, SITE_ORIGIN, testApp } from './support/test-app.js';

const CATALOG = 'ingest/catalog.json';
const HEADLESS = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36';
const OLD = Date.UTC(2020, 0, 2, 3, 4, 5);

/** One refused event of each reason a beacon with one good event can get, and what must be answered. */
function cases(now: number) {
  const ahead = now + 10 * 60 * 1000;
  return [
    {
      event: beaconEvent({ site: 'nowhere' }),
      reason: 'unknown_site',
      value: 'nowhere',
      hint: `add site \`nowhere\` to \`${CATALOG}\`, or send the id of a site it lists`,
    },
    {
      event: beaconEvent({ type: 'signup' }),
      reason: 'unknown_type',
      value: 'signup',
      hint: /^`signup` is no event type; send one of page_view, .*object_click/,
    },
    {
      event: beaconEvent({ type: 'object_click', object: 'cv-download' }),
      reason: 'unknown_object',
      value: 'cv-download',
      hint: `add object \`cv-download\` to a room of site \`portfolio\` in \`${CATALOG}\``,
    },
    {
      event: beaconEvent({ type: 'room_enter', room: 'attic' }),
      reason: 'unknown_room',
      value: 'attic',
      hint: `add room \`attic\` to site \`portfolio\` in \`${CATALOG}\``,
    },
    { event: beaconEvent({ type: 'object_click' }), reason: 'missing_field', value: 'object', hint: /^send `object` with the event/ },
    { event: { type: 'page_view', ts: now }, reason: 'missing_field', value: 'id', hint: /^send `id` with the event/ },
    {
      event: beaconEvent({ path: 42 }),
      reason: 'invalid_field',
      value: 'path',
      hint: /^send `path` with the type and length the event shape allows/,
    },
    {
      event: beaconEvent({ ts: OLD }),
      reason: 'too_old',
      value: '2020-01-02T03:04:05.000Z',
      hint: /^an event of 2020-01-02T03:04:05.000Z is more than 24 hours old/,
    },
    {
      event: beaconEvent({ ts: ahead }),
      reason: 'in_future',
      value: new Date(ahead).toISOString(),
      hint: /more than 5 minutes ahead of the service's clock/,
    },
    {
      // A time past what a date can hold is named as the number sent (it once failed the request with a 500).
      event: beaconEvent({ ts: 1e308 }),
      reason: 'in_future',
      value: '1e+308',
      hint: /more than 5 minutes ahead of the service's clock/,
    },
    {
      event: beaconEvent({ props: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`p${i}`, i])) }),
      reason: 'too_many_props',
      value: '11 props',
      hint: 'the event has 11 props: send at most 10',
    },
  ];
}

const hintMatcher = (hint: string | RegExp) => (typeof hint === 'string' ? hint : expect.stringMatching(hint));

async function refusedList(app: FastifyInstance, range = '24h'): Promise<Array<Record<string, unknown>>> {
  const response = await app.inject(`/api/stats?site=portfolio&range=${range}`);
  expect(response.statusCode).toBe(200);
  return response.json().refused;
}

describe('refusals the owner can act on', () => {
  const dataDir = freshDataDir();
  let app: FastifyInstance;
  const now = Date.now();
  afterAll(async () => app.close());

  it('answers the value and what to do for every reason of an event', async () => {
    app = await testApp({ dataDir });
    const all = cases(now);
    const response = await postBeacon(app, { site: 'portfolio', events: [beaconEvent(), ...all.map((c) => c.event)] });
    expect(response.statusCode).toBe(202);
    expect(response.json().refused).toEqual(
      all.map((c, i) => ({ index: i + 1, reason: c.reason, value: c.value, hint: hintMatcher(c.hint) })),
    );
  });

  it('answers a page origin no site lists, the site given only in the envelope, and a bot, with the value and what to do', async () => {
    const origin = await postBeacon(app, { site: 'portfolio', events: [beaconEvent()] }, { origin: 'http://localhost:3000' });
    expect(origin.statusCode).toBe(400);
    expect(origin.json().message).toBe(
      `no event in the body could be used: every event was refused (1 unknown_origin): add \`http://localhost:3000\` to the origins of site \`portfolio\` in \`${CATALOG}\``,
    );
    const envelope = await postBeacon(app, { site: 'elsewhere', events: [beaconEvent()] }, { origin: SITE_ORIGIN });
    expect(envelope.json().message).toBe(
      `no event in the body could be used: every event was refused (1 unknown_site): add site \`elsewhere\` to \`${CATALOG}\`, or send the id of a site it lists`,
    );
    const bot = await postBeacon(app, { site: 'portfolio', events: [beaconEvent(), beaconEvent()] }, { 'user-agent': HEADLESS });
    expect(bot.statusCode).toBe(400);
    expect(bot.json().message).toContain(`(2 bot): the user agent \`${HEADLESS.slice(0, 63)}…\` is a bot's`);
  });

  it('lists the same values and hints in /api/stats, and the values past the bound counted together', async () => {
    const objects = Array.from({ length: MAX_VALUES_PER_REASON + 5 }, (_, i) =>
      beaconEvent({ type: 'object_click', object: `missing-${i}` }),
    );
    expect((await postBeacon(app, { site: 'portfolio', events: [beaconEvent(), ...objects] })).statusCode).toBe(202);
    const refused = await refusedList(app);
    for (const c of cases(now)) {
      expect(refused).toContainEqual(expect.objectContaining({ reason: c.reason, value: c.value, hint: hintMatcher(c.hint) }));
    }
    expect(refused).toContainEqual(
      expect.objectContaining({ reason: 'unknown_origin', value: 'http://localhost:3000', site: 'portfolio', count: 1 }),
    );
    expect(refused).toContainEqual(expect.objectContaining({ reason: 'unknown_site', value: 'elsewhere', site: '', count: 1 }));
    expect(refused).toContainEqual(expect.objectContaining({ reason: 'bot', value: `${HEADLESS.slice(0, 63)}…`, count: 2 }));
    const missing = refused.filter((r) => r.reason === 'unknown_object');
    // cv-download and the first 19 missing objects have their own row; 6 more are counted together.
    expect(missing.filter((r) => !r.others)).toHaveLength(MAX_VALUES_PER_REASON);
    expect(missing.find((r) => r.others)).toMatchObject({ value: '', count: 6 });
  });

  it('still shows them after a restart on the same data directory, and keeps the bound', async () => {
    const before = await refusedList(app);
    await app.close();
    app = await testApp({ dataDir, privacySignalMode: 'drop' });
    expect(await refusedList(app)).toEqual(before);

    const more = [beaconEvent({ type: 'object_click', object: 'after-restart' })];
    expect((await postBeacon(app, { site: 'portfolio', events: [beaconEvent(), ...more] })).statusCode).toBe(202);
    const gpc = await postBeacon(app, { site: 'portfolio', events: [beaconEvent()] }, { 'sec-gpc': '1' });
    expect(gpc.json().message).toContain('(1 privacy_signal): the browser sent `Sec-GPC: 1` and PRIVACY_SIGNAL_MODE is drop');
    // Another range: /api/stats answers one range from one summary per stream interval.
    const after = await refusedList(app, '7d');
    // The bound of the day was reached before the restart: the new value joins the others.
    expect(after.find((r) => r.reason === 'unknown_object' && r.others)).toMatchObject({ count: 7 });
    expect(after.some((r) => r.value === 'after-restart')).toBe(false);
    expect(after).toContainEqual(expect.objectContaining({ reason: 'privacy_signal', value: 'Sec-GPC: 1', count: 1 }));
  });
});
