// Visits of a site that declares goals and property keys: generated here (deterministic), sent
// as beacons through the capture path, and kept as sent so the tests count every figure from
// them independently of the service's queries. One user agent per visitor: its visitor id.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { beaconEvent, postBeacon, SITE_ORIGIN } from './test-app.js';

export const OBJECTS = { guitar: 'Acoustic guitar', laptop: 'Laptop', plant: 'Potted plant', poster: 'Poster' } as const;
export const ROOM = { id: 'studio', label: 'The studio' };
export const DECLARED_PROPS = ['plan', 'theme'];
export const GOALS = [
  { name: 'Thanks page', page: '/thanks*' },
  { name: 'Laptop clicked', object: 'laptop' },
  { name: 'GitHub', outbound: 'https://github.com/*' },
  { name: 'CV', download: '*/cv.pdf' },
  { name: 'Pro signup', event: 'signup', props: { plan: 'pro' } },
];

/** Each goal as a predicate written here, apart from the service's SQL. */
export const GOAL_REACHED: Record<string, (event: SentEvent) => boolean> = {
  'Thanks page': (e) => e.type === 'page_view' && e.path.startsWith('/thanks'),
  'Laptop clicked': (e) => e.type === 'object_click' && e.object === 'laptop',
  GitHub: (e) => e.type === 'outbound' && (e.to ?? '').startsWith('https://github.com/'),
  CV: (e) => e.type === 'download' && (e.to ?? '').endsWith('/cv.pdf'),
  'Pro signup': (e) => e.type === 'signup' && e.props?.plan === 'pro',
};

/** A catalog file with the site's goals, declared props and labelled objects and room. */
export function conversionCatalog(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-goals-')), 'catalog.json');
  const catalog = {
    sites: [
      {
        id: 'portfolio',
        origins: [SITE_ORIGIN],
        props: DECLARED_PROPS,
        goals: GOALS,
        rooms: [{ id: ROOM.id, label: ROOM.label, objects: Object.entries(OBJECTS).map(([id, label]) => ({ id, label })) }],
      },
    ],
    eventTypes: [
      'page_view',
      'room_enter',
      'room_exit',
      'object_view',
      'object_click',
      'navigation',
      'time_spent',
      'outbound',
      'download',
      'signup',
    ],
  };
  writeFileSync(file, JSON.stringify(catalog));
  return file;
}

/** An event as sent, with the visitor that sent it. */
export interface SentEvent {
  visitor: number;
  session: string;
  type: string;
  ts: number;
  path: string;
  object?: string;
  to?: string;
  props?: Record<string, string | number>;
}

/** A small deterministic generator (mulberry32). */
function generator(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
}

const PAGES = ['/', '/about', '/thanks', '/thanks/you', '/projects'];
const LINKS = ['https://github.com/someone', 'https://github.com/someone/repo', 'https://www.linkedin.com/in/someone'];
const FILES = [`${SITE_ORIGIN}/cv.pdf`, `${SITE_ORIGIN}/files/cv.pdf`, `${SITE_ORIGIN}/deck.pptx`];
// Plant is only ever seen: the object seen and never clicked.
const CLICKABLE = ['guitar', 'laptop', 'poster'];

/** Sends `visitors` visitors' visits (some visitors come twice) and returns every event sent. */
export async function sendConversionVisits(app: FastifyInstance, visitors = 16): Promise<SentEvent[]> {
  const pick = generator(26);
  const sent: SentEvent[] = [];
  const start = Date.now() - 45 * 60_000;
  let visitNumber = 0;
  for (let visitor = 0; visitor < visitors; visitor++) {
    const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.${visitor}.0 Safari/537.36`;
    for (let visit = 0; visit < 1 + (visitor % 3 === 0 ? 1 : 0); visit++) {
      const session = `visit-${visitNumber}`;
      let at = start + visitNumber++ * 90_000;
      const events: SentEvent[] = [];
      const add = (event: Omit<SentEvent, 'visitor' | 'session' | 'ts'>) => events.push({ visitor, session, ts: (at += 1000), ...event });
      let path = PAGES[pick(2)]!;
      add({ type: 'page_view', path });
      for (let step = 0; step < 2 + pick(5); step++) {
        switch (pick(8)) {
          case 0:
            path = PAGES[pick(PAGES.length)]!;
            add({ type: 'page_view', path });
            break;
          case 1:
            add({ type: 'outbound', path, to: LINKS[pick(LINKS.length)] });
            break;
          case 2:
            add({ type: 'download', path, to: FILES[pick(FILES.length)] });
            break;
          case 3: {
            const props: Record<string, string> = { plan: pick(2) === 0 ? 'pro' : 'free', theme: pick(2) === 0 ? 'dark' : 'light' };
            // An undeclared key: dropped from the event, the event kept.
            if (pick(3) === 0) props.secret = 'x';
            add({ type: 'signup', path, props });
            break;
          }
          case 4:
            add({ type: 'time_spent', path, props: { scroll_depth: 10 * (1 + pick(10)) } });
            break;
          default: {
            add({ type: 'room_enter', path });
            add({ type: 'object_view', path, object: 'plant' });
            const object = CLICKABLE[pick(CLICKABLE.length)]!;
            add({ type: 'object_view', path, object });
            if (pick(3) !== 0) add({ type: 'object_click', path, object });
            if (pick(2) === 0) add({ type: 'room_exit', path });
          }
        }
      }
      const beacon = events.map((event) =>
        beaconEvent({
          session,
          ts: event.ts,
          type: event.type,
          path: event.path,
          ...(event.object ? { object: event.object } : {}),
          ...(event.type.startsWith('room_') ? { room: ROOM.id } : {}),
          ...(event.to ? { to: event.to } : {}),
          ...(event.type === 'time_spent' ? { duration_ms: 1000 } : {}),
          ...(event.props ? { props: event.props } : {}),
        }),
      );
      const response = await postBeacon(app, { site: 'portfolio', events: beacon }, { origin: SITE_ORIGIN, 'user-agent': userAgent });
      expect(response.statusCode).toBe(202);
      expect(response.json().refused).toEqual([]);
      sent.push(...events);
    }
  }
  return sent;
}

/** The distinct values of `of` over `events`. */
export function distinct<T>(events: readonly SentEvent[], of: (event: SentEvent) => T): Set<T> {
  return new Set(events.map(of));
}
