// Custom properties: every event type broken down by every property key in /api/stats, the page
// filtered by a property value, and a site's declared keys (an undeclared one dropped from its
// kept event and shown on the refused list), against counts of the events as generated and sent.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepDeclaredProps } from '../src/accept/declared-props.js';
import { Catalog } from '../src/catalog/catalog.js';
import { LIST_LENGTH } from '../src/stats/lists.js';
import type { EventRow } from '../src/tables/index.js';
import { conversionCatalog, DECLARED_PROPS, distinct, sendConversionVisits, type SentEvent } from './support/conversion-visits.js';
import { queryRows, testApp } from './support/test-app.js';

const TOKEN = 'owner-token-1';

describe('custom properties', () => {
  let app: FastifyInstance;
  let sent: SentEvent[];
  let stats: Record<string, any>;
  const get = async (query: string) => app.inject({ url: `/api/${query}`, headers: { authorization: `Bearer ${TOKEN}` } });
  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN, catalogFile: conversionCatalog() });
    sent = await sendConversionVisits(app);
    expect(await app.pipeline.flush(30_000)).toBe(true);
    const response = await get('stats?range=1h');
    expect(response.statusCode).toBe(200);
    stats = response.json();
  });
  afterAll(async () => {
    await app.close();
  });

  it("breaks every event type down by every declared key, as the sent events count it, and leaves the tracker's own keys out", () => {
    const pairs = new Map<string, Map<string, SentEvent[]>>();
    for (const event of sent) {
      for (const [key, value] of Object.entries(event.props ?? {})) {
        if (!DECLARED_PROPS.includes(key)) continue;
        const pair = `${event.type} ${key}`;
        const values = pairs.get(pair) ?? new Map<string, SentEvent[]>();
        values.set(String(value), [...(values.get(String(value)) ?? []), event]);
        pairs.set(pair, values);
      }
    }
    const expected = [...pairs]
      .map(([pair, values]) => ({
        type: pair.split(' ')[0],
        key: pair.split(' ')[1],
        values: [...values]
          // The hour before (the compared period) carried none: no change.
          .map(([value, events]) => ({ value, visitors: distinct(events, (e) => e.visitor).size, events: events.length, change: null }))
          .sort((a, b) => b.visitors - a.visitors || b.events - a.events || a.value.localeCompare(b.value))
          .slice(0, LIST_LENGTH),
      }))
      .sort((a, b) => `${a.type} ${a.key}`.localeCompare(`${b.type} ${b.key}`));
    // The tracker's scroll_depth on time_spent is kept on the events but is no property of the site's.
    expect(expected.map((pair) => `${pair.type} ${pair.key}`)).toEqual(['signup plan', 'signup theme']);
    const answered = [...stats.properties].sort((a, b) => `${a.type} ${a.key}`.localeCompare(`${b.type} ${b.key}`));
    expect(answered).toEqual(expected);
  });

  it('drops an undeclared key from its event, keeps the event, and lists the key as refused', async () => {
    const withSecret = sent.filter((event) => event.props?.secret !== undefined);
    expect(withSecret.length).toBeGreaterThan(0);
    expect(stats.properties.some((pair: { key: string }) => pair.key === 'secret')).toBe(false);
    expect(stats.events_by_type.signup).toBe(sent.filter((event) => event.type === 'signup').length);
    const stored = await queryRows<{ n: string }>(app, "SELECT count() AS n FROM events WHERE mapContains(props, 'secret')");
    expect(Number(stored[0]!.n)).toBe(0);
    const refused = stats.refused.filter((row: { reason: string }) => row.reason === 'undeclared_prop');
    expect(refused).toEqual([
      {
        reason: 'undeclared_prop',
        value: 'secret',
        site: 'portfolio',
        count: withSecret.length,
        others: false,
        hint: expect.stringMatching(
          /^the property `secret` was dropped from events of site `portfolio` \(the events were kept\): add it to the site's `props` in `.*catalog\.json`/,
        ),
      },
    ]);
  });

  it('narrows the whole page to the visits with an event carrying a property value', async () => {
    const sessions = distinct(
      sent.filter((event) => event.props?.plan === 'pro'),
      (event) => event.session,
    );
    const theirs = sent.filter((event) => sessions.has(event.session));
    const response = await get('stats?range=1h&prop=plan%3Dpro');
    expect(response.statusCode).toBe(200);
    const filtered = response.json();
    expect(filtered.filters).toEqual({ prop: 'plan=pro' });
    expect(filtered.visits).toBe(sessions.size);
    expect(filtered.visits).toBeLessThan(distinct(sent, (e) => e.session).size);
    expect(filtered.visitors).toBe(distinct(theirs, (e) => e.visitor).size);
    expect(filtered.page_views).toBe(theirs.filter((e) => e.type === 'page_view').length);
    const plan = filtered.properties.find((pair: { key: string }) => pair.key === 'plan');
    expect(plan.values.map((row: { value: string }) => row.value)).toContain('pro');
  });

  it('refuses a prop filter without "="', async () => {
    const response = await get('stats?range=1h&prop=plan');
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('querystring.prop must be key=value');
  });

  it('keeps every key of a site that declares none, and only the declared ones of a site that does', () => {
    const site = (id: string, props?: string[]) => ({ id, rooms: [], ...(props ? { props } : {}) });
    const catalog = new Catalog({ sites: [site('plain'), site('strict', ['plan'])], eventTypes: ['page_view'] });
    const row = (siteId: string) => ({ site: siteId, props: { plan: 'pro', anything: 'x' } }) as unknown as EventRow;
    const { rows, dropped } = keepDeclaredProps([row('plain'), row('strict')], catalog);
    expect(rows.map((kept) => kept.props)).toEqual([{ plan: 'pro', anything: 'x' }, { plan: 'pro' }]);
    expect(dropped).toEqual([{ reason: 'undeclared_prop', value: 'anything', site: 'strict' }]);
  });
});
