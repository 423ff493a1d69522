// Goals and conversions: each catalog goal's converted visitors, conversion rate and events in
// /api/stats, the page narrowed by a goal, and goals as funnel steps, each against a count made
// here from the events as generated and sent.
import { readFileSync, writeFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogError, loadCatalog } from '../src/catalog/catalog.js';
import { conversionCatalog, distinct, GOAL_REACHED, GOALS, sendConversionVisits, type SentEvent } from './support/conversion-visits.js';
import { testApp } from './support/test-app.js';

const TOKEN = 'owner-token-1';

const REACHES = GOAL_REACHED;

describe('goals', () => {
  let app: FastifyInstance;
  let sent: SentEvent[];
  const get = async (query: string) => app.inject({ url: `/api/${query}`, headers: { authorization: `Bearer ${TOKEN}` } });
  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN, catalogFile: conversionCatalog() });
    sent = await sendConversionVisits(app);
    expect(await app.pipeline.flush(30_000)).toBe(true);
  });
  afterAll(async () => {
    await app.close();
  });

  it('gives each goal its converted visitors, conversion rate and events, as the sent events count them', async () => {
    const response = await get('stats?range=1h');
    expect(response.statusCode).toBe(200);
    const stats = response.json();
    const allVisitors = distinct(sent, (e) => e.visitor).size;
    expect(stats.visitors).toBe(allVisitors);
    const expected = GOALS.map((goal) => {
      const reached = sent.filter(REACHES[goal.name]!);
      const visitors = distinct(reached, (e) => e.visitor).size;
      // The hour before (the compared period) reached none: no change.
      return { goal: goal.name, visitors, conversion_rate: visitors / allVisitors, events: reached.length, change: null };
    });
    // Every goal reached, some by a visitor more than once: the figures can tell visitors from events.
    for (const row of expected) expect(row.visitors).toBeGreaterThan(0);
    expect(expected.some((row) => row.events > row.visitors)).toBe(true);
    expect(expected.some((row) => row.visitors < allVisitors)).toBe(true);
    expect(stats.goals.map(({ target: _, ...row }: { target: string }) => row)).toEqual(expected);
    expect(stats.goals[4].target).toBe('event signup plan=pro');
  });

  it('narrows the whole page to the visits that reached a goal', async () => {
    for (const goal of ['GitHub', 'Pro signup']) {
      const sessions = distinct(sent.filter(REACHES[goal]!), (e) => e.session);
      const theirs = sent.filter((e) => sessions.has(e.session));
      const response = await get(`stats?range=1h&goal=${encodeURIComponent(goal)}`);
      expect(response.statusCode).toBe(200);
      const stats = response.json();
      expect(stats.filters).toEqual({ goal });
      expect(stats.visits).toBe(sessions.size);
      expect(stats.visitors).toBe(distinct(theirs, (e) => e.visitor).size);
      expect(stats.page_views).toBe(theirs.filter((e) => e.type === 'page_view').length);
      expect(stats.visits).toBeLessThan(distinct(sent, (e) => e.session).size);
      // The goal's own figures under its filter: every visitor left converted.
      expect(stats.goals.find((row: { goal: string }) => row.goal === goal).conversion_rate).toBe(1);
    }
  });

  it('takes goals as funnel steps', async () => {
    const steps = ['page_view', 'goal:GitHub', 'goal:Pro signup'];
    const matches = [(e: SentEvent) => e.type === 'page_view', REACHES.GitHub!, REACHES['Pro signup']!];
    const reached = [0, 0, 0];
    for (const session of distinct(sent, (e) => e.session)) {
      const events = sent.filter((e) => e.session === session).sort((a, b) => a.ts - b.ts);
      let level = 0;
      for (const event of events) if (level < matches.length && matches[level]!(event)) level++;
      for (let step = 0; step < level; step++) reached[step]!++;
    }
    expect(reached[2]).toBeGreaterThan(0);
    expect(reached[2]).toBeLessThan(reached[1]!);
    const response = await get(`funnel?range=1h&${steps.map((step) => `step=${encodeURIComponent(step)}`).join('&')}`);
    expect(response.statusCode).toBe(200);
    // Every visit was sent in the last 45 minutes: the hour before reached nothing, so no step has a change.
    expect(response.json().steps).toEqual(steps.map((step, index) => ({ step, sessions: reached[index], change: null })));
    expect(response.json().previous.steps).toEqual(steps.map((step) => ({ step, sessions: 0 })));
  });

  it('refuses a goal the site lacks, naming the ones it has', async () => {
    for (const query of ['stats?range=1h&goal=Nope', 'funnel?range=1h&step=page_view&step=goal:Nope']) {
      const response = await get(query);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'FOOTFALL_UNKNOWN_GOAL' });
      expect(response.json().message).toContain('"Nope"; it has Thanks page, Laptop clicked, GitHub, CV, Pro signup');
    }
  });

  it('refuses a catalog goal with no target or two, an unknown object or type, or props without an event', () => {
    const file = conversionCatalog();
    const catalog = JSON.parse(readFileSync(file, 'utf8'));
    catalog.sites[0].goals = [
      { name: 'two', page: '/a', object: 'laptop' },
      { name: 'none' },
      { name: 'ghost', object: 'piano' },
      { name: 'typo', event: 'sign_up' },
      { name: 'props', page: '/a', props: { plan: 'pro' } },
      { name: 'two', page: '/b' },
    ];
    writeFileSync(file, JSON.stringify(catalog));
    let error: CatalogError | undefined;
    try {
      loadCatalog(file);
    } catch (thrown) {
      error = thrown as CatalogError;
    }
    expect(error?.problems).toEqual([
      { path: 'sites[0].goals[0]', message: 'needs exactly one of page, object, outbound, download, event (has page, object)' },
      { path: 'sites[0].goals[1]', message: 'needs exactly one of page, object, outbound, download, event (has none)' },
      { path: 'sites[0].goals[2].object', message: '"piano" is no object of a room of sites[0]' },
      { path: 'sites[0].goals[3].event', message: '"sign_up" is not one of eventTypes' },
      { path: 'sites[0].goals[4].props', message: 'matches the properties of an "event" goal only' },
      { path: 'sites[0].goals[5].name', message: '"two" is already the name of sites[0].goals[0]' },
    ]);
  });
});
