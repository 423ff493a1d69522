// The room's engagement path and the catalog's labels in /api/stats: for each object, who saw it,
// who clicked it and what each click was followed by (a goal, the next page, the next object,
// another action, or leaving), against a walk of the events as generated and sent.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEXT_STEPS, NOT_ACTIONS } from '../src/stats/engagement.js';
import {
  conversionCatalog,
  distinct,
  GOAL_REACHED,
  GOALS,
  OBJECTS,
  ROOM,
  sendConversionVisits,
  type SentEvent,
} from './support/conversion-visits.js';
import { testApp } from './support/test-app.js';

const TOKEN = 'owner-token-1';
const label = (object: string) => OBJECTS[object as keyof typeof OBJECTS];

describe('engagement path and labels', () => {
  let app: FastifyInstance;
  let sent: SentEvent[];
  let stats: Record<string, any>;
  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN, catalogFile: conversionCatalog() });
    sent = await sendConversionVisits(app);
    expect(await app.pipeline.flush(30_000)).toBe(true);
    const response = await app.inject({ url: '/api/stats?range=1h', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode).toBe(200);
    stats = response.json();
  });
  afterAll(async () => {
    await app.close();
  });

  /** What followed a click: the visit's next action, walked here in time order. */
  function nextOf(next: SentEvent | undefined): { kind: string; value: string } {
    if (!next) return { kind: 'left', value: '' };
    const goal = GOALS.find((candidate) => GOAL_REACHED[candidate.name]!(next));
    if (goal) return { kind: 'goal', value: goal.name };
    if (next.type === 'page_view') return { kind: 'page', value: next.path };
    if (next.type === 'object_click') return { kind: 'object', value: next.object! };
    return { kind: next.type, value: next.to ?? next.path };
  }

  /** Each object's figures and next steps, walked here over the events `of` the visits counted. */
  function engagementOf(of: SentEvent[]) {
    const next = new Map<string, Map<string, number>>();
    for (const session of distinct(of, (e) => e.session)) {
      const actions = of.filter((e) => e.session === session && !NOT_ACTIONS.includes(e.type)).sort((a, b) => a.ts - b.ts);
      actions.forEach((event, index) => {
        if (event.type !== 'object_click') return;
        const { kind, value } = nextOf(actions[index + 1]);
        const steps = next.get(event.object!) ?? new Map<string, number>();
        steps.set(`${kind}\u0000${value}`, (steps.get(`${kind}\u0000${value}`) ?? 0) + 1);
        next.set(event.object!, steps);
      });
    }
    const expected = Object.keys(OBJECTS)
      .map((object) => {
        const seen = of.filter((e) => e.type === 'object_view' && e.object === object);
        const clicks = of.filter((e) => e.type === 'object_click' && e.object === object);
        return {
          object,
          label: label(object),
          room: ROOM.id,
          room_label: ROOM.label,
          seen_visitors: distinct(seen, (e) => e.visitor).size,
          clicked_visitors: distinct(clicks, (e) => e.visitor).size,
          clicks: clicks.length,
          next: [...(next.get(object) ?? [])]
            .map(([key, count]) => {
              const [kind, value] = key.split('\u0000') as [string, string];
              return { kind, value, label: kind === 'object' ? label(value) : value, clicks: count };
            })
            .sort((a, b) => b.clicks - a.clicks || a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value))
            .slice(0, NEXT_STEPS),
        };
      })
      .sort(
        (a, b) =>
          Number(b.clicks === 0 && b.seen_visitors > 0) - Number(a.clicks === 0 && a.seen_visitors > 0) ||
          b.clicks - a.clicks ||
          b.seen_visitors - a.seen_visitors ||
          a.object.localeCompare(b.object),
      );
    return expected;
  }

  it('gives each object its seen and clicked visitors, clicks and next steps, seen-never-clicked first', () => {
    const expected = engagementOf(sent);
    // The plant is seen by everyone who entered the room and never clicked: it leads.
    expect(expected[0]).toMatchObject({ object: 'plant', clicks: 0 });
    expect(expected[0]!.seen_visitors).toBeGreaterThan(0);
    const kinds = new Set(expected.flatMap((row) => row.next.map((step) => step.kind)));
    for (const kind of ['goal', 'page', 'left']) expect(kinds).toContain(kind);
    expect(stats.engagement).toEqual(expected);
  });

  it('narrows the path to the visits a filter keeps: those that reached a goal', async () => {
    const response = await app.inject({
      url: '/api/stats?range=1h&goal=Pro%20signup',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
    const converted = new Set(sent.filter((e) => GOAL_REACHED['Pro signup']!(e)).map((e) => e.session));
    const expected = engagementOf(sent.filter((e) => converted.has(e.session)));
    expect(expected.some((row) => row.next.length > 0)).toBe(true);
    expect(response.json().engagement).toEqual(expected);
  });

  it('shows objects and rooms by their catalog labels, keeping the ids', () => {
    expect(
      stats.objects.map((row: { object: string; label: string; room_label: string }) => [row.object, row.label, row.room_label]).sort(),
    ).toEqual(
      Object.entries(OBJECTS)
        .map(([id, name]) => [id, name, ROOM.label])
        .sort(),
    );
    for (const row of stats.top_objects) expect(row.label).toBe(label(row.object));
    expect(stats.labels).toEqual({ objects: OBJECTS, rooms: { [ROOM.id]: ROOM.label } });
    expect(stats.seen_never_clicked).toEqual(['plant']);
  });
});
