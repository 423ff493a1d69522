// A store of generated events for the read benchmarks, written by the engine itself (INSERT ...
// SELECT from numbers(), no JSON: 1 million events in seconds, 10 million in minutes) through the
// same migrations and rollup views as the service's, and kept between runs: a folder per size
// under the system's temp folder (BENCH_STORE_DIR to choose another), with a note of when it was
// written and of the migrations it was written with. A run opens the kept store when the
// migrations are the same and it is under BENCH_STORE_MAX_AGE_H hours old (default 24), and first
// writes the events of the time since it was last written, at the store's rate of the last hour,
// so the last minutes and hours hold events as on the day it was made. Otherwise it is written
// anew. Delete the folder to force that.
//
// What the events look like: three sites, 90 % of events on `portfolio` (the site measured);
// visits of 8 events each (a page view first, then pages, the room's objects seen and clicked,
// time spent with a scroll depth, links followed, files downloaded, sign-ups), about three visits
// per visitor spread over time; 14 paths, referrers, a campaign on one visit in 17; devices,
// browsers, systems and countries per visitor; and time spread over 13 months as a growing site's:
// 48 % of visits anywhere in the last 395 days, 30 % in the last 30 days, 20 % in the last 24
// hours, 2 % in the last hour.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { migrationFiles } from '../src/clickhouse/migrate.js';
import { configWith, loadConfig } from '../src/config.js';

const EVENTS_PER_VISIT = 8;
/** Where a visit begins: the share of visits (of 100) and how far back they reach. */
const WINDOWS = [
  { share: 2, seconds: 3600 },
  { share: 20, seconds: 86_400 },
  { share: 30, seconds: 30 * 86_400 },
  { share: 48, seconds: 395 * 86_400 },
] as const;
/** Events a second in the last hour: every window's share spread over its length. */
const lastHourRate = (events: number) => WINDOWS.reduce((sum, window) => sum + (events * window.share) / 100 / window.seconds, 0);

export const SITE = 'portfolio';
export const GOALS = [
  { name: 'Thanks page', page: '/thanks*' },
  { name: 'Laptop clicked', object: 'laptop' },
  { name: 'GitHub', outbound: 'https://github.com/*' },
  { name: 'CV', download: '*/cv.pdf' },
  { name: 'Pro signup', event: 'signup', props: { plan: 'pro' } },
];
const OBJECTS = ['guitar', 'bookshelf', 'laptop', 'record-player', 'camera', 'plant', 'poster', 'desk-lamp'];
const EVENT_TYPES = [
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
];

const catalog = {
  sites: [
    {
      id: SITE,
      origins: ['https://portfolio.example'],
      props: ['plan', 'theme', 'scroll_depth'],
      goals: GOALS,
      rooms: [{ id: 'studio', label: 'The studio', objects: OBJECTS.map((id) => ({ id, label: id })) }],
    },
    { id: 'notes', origins: ['https://notes.example'], rooms: [] },
    { id: 'shop', origins: ['https://shop.example'], rooms: [] },
  ],
  eventTypes: EVENT_TYPES,
};

/**
 * `{count}` events from event number `{first}` on, their visits ending before `{end}` (epoch ms).
 * With `{window_ms}` 0 visits begin in the windows above; else anywhere in the `{window_ms}` before `{end}`.
 */
const INSERT_EVENTS = `
INSERT INTO events (site, type, ts, event_id, session_id, visitor_id, source, path, referrer_host, utm_source, utm_medium,
                    utm_campaign, object_id, room_id, nav_from, nav_to, duration_ms, props, device, browser, os, country, received_at)
SELECT site, type, ts, concat('g', toString(n)), concat('s', toString(visit)), concat('v', toString(visitor)), 'beacon', path,
       if(k = 0, ['', '', '', 'news.ycombinator.com', 'www.google.com', 'github.com', 't.co', 'portfolio.example'][h % 8 + 1], ''),
       if(k = 0 AND visit % 17 = 0, 'newsletter', ''), if(k = 0 AND visit % 17 = 0, 'email', ''),
       if(k = 0 AND visit % 17 = 0, ['launch', 'spring'][visit % 2 + 1], ''),
       if(type IN ('object_view', 'object_click'), ${sqlArray(OBJECTS)}[e % ${OBJECTS.length} + 1], ''),
       if(type IN ('room_enter', 'room_exit', 'object_view', 'object_click'), 'studio', ''),
       if(type = 'navigation', path, ''),
       multiIf(type = 'navigation', ['/', '/projects', '/blog', '/contact'][e % 4 + 1],
               type = 'outbound', ['https://github.com/owner/repo', 'https://github.com/owner', 'https://news.ycombinator.com/item', 'https://mastodon.social/@owner'][e % 4 + 1],
               type = 'download', ['https://portfolio.example/files/cv.pdf', 'https://portfolio.example/files/slides.pdf', 'https://portfolio.example/files/photos.zip'][e % 3 + 1],
               ''),
       if(type = 'time_spent', e % 120000, 0),
       CAST(multiIf(type = 'time_spent' AND e % 5 != 0, [('scroll_depth', toString(e % 101))],
                    type = 'signup', [('plan', ['free', 'free', 'pro'][e % 3 + 1])],
                    type = 'page_view' AND e % 4 = 0, [('theme', ['dark', 'light'][e % 2 + 1])],
                    []) AS Map(String, String)),
       ['desktop', 'mobile', 'tablet'][visitor % 3 + 1], ['Chrome', 'Firefox', 'Safari', 'Edge'][visitor % 4 + 1],
       ['Linux', 'Windows', 'macOS', 'iOS', 'Android'][visitor % 5 + 1], ['DE', 'FR', 'US', 'GB', 'JP', 'BR', 'IN'][visitor % 7 + 1],
       ts
FROM (
  SELECT n, k, visit, h, e, visitor, site, type, path,
         fromUnixTimestamp64Milli(toInt64({end:Int64} - begins_ago_ms - (${EVENTS_PER_VISIT - 1} - k) * 31000 - 1)) AS ts
  FROM (
    SELECT number + {first:UInt64} AS n, n % ${EVENTS_PER_VISIT} AS k, intDiv(n, ${EVENTS_PER_VISIT}) AS visit,
           cityHash64(visit) AS h, cityHash64(n, 1) AS e,
           cityHash64(visit, 2) % greatest(1, intDiv({visits:UInt64}, 3)) AS visitor,
           multiIf(h % 20 = 18, 'notes', h % 20 = 19, 'shop', '${SITE}') AS site,
           if(k = 0, 'page_view', ${sqlArray(['page_view', 'page_view', 'page_view', 'page_view', 'page_view', 'page_view', 'room_enter', 'room_exit', 'object_view', 'object_view', 'object_view', 'object_click', 'object_click', 'navigation', 'time_spent', 'time_spent', 'time_spent', 'outbound', 'download', 'signup'])}[e % 20 + 1]) AS type,
           ['/', '/', '/about', '/projects', '/projects/one', '/projects/two', '/contact', '/thanks', '/blog', '/blog/post-1', '/blog/post-2', '/cv', '/talks', '/now'][cityHash64(n, 3) % 14 + 1] AS path,
           cityHash64(visit, 1) % 100 AS w,
           if({window_ms:UInt64} > 0, cityHash64(visit, 4) % {window_ms:UInt64},
              cityHash64(visit, 4) % multiIf(${WINDOWS.slice(0, -1)
                .map((window, index) => `w < ${WINDOWS.slice(0, index + 1).reduce((sum, w) => sum + w.share, 0)}, ${window.seconds * 1000}`)
                .join(', ')}, ${WINDOWS.at(-1)!.seconds * 1000})) AS begins_ago_ms
    FROM numbers({count:UInt64})
  )
)`;

function sqlArray(values: readonly string[]): string {
  return `[${values.map((value) => `'${value}'`).join(', ')}]`;
}

interface StoreNote {
  events: number;
  /** Events written, top-ups included: the next event's number. */
  written: number;
  /** Epoch ms up to which events were written. */
  writtenUpTo: number;
  firstWrittenAt: number;
  migrations: string;
}

/** The migrations and this generator, as one hash: a store written with others is written anew. */
function fingerprint(): string {
  const hash = createHash('sha256').update(INSERT_EVENTS);
  for (const migration of migrationFiles()) hash.update(migration.file).update(migration.checksum);
  return hash.digest('hex').slice(0, 16);
}

const MAX_AGE_HOURS = Number(process.env.BENCH_STORE_MAX_AGE_H ?? 24);

export interface EventStore {
  app: FastifyInstance;
  dataDir: string;
  /** What was done to have the store: written anew or opened, and how long it took. */
  how: string;
  /**
   * Writes `count` more events (whole visits, numbered after those written) of visits begun in the
   * last `windowMs`, as new traffic reaches the site, and notes them: the kept store holds them.
   */
  addEvents(count: number, windowMs: number): Promise<void>;
}

/** The service on a store of `events` generated events (see above), written or opened and topped up. */
export async function openEventStore(events: number): Promise<EventStore> {
  const dataDir = join(process.env.BENCH_STORE_DIR ?? tmpdir(), `footfall-read-bench-${events}`);
  const noteFile = join(dataDir, 'bench-store.json');
  const catalogFile = join(dataDir, 'bench-catalog.json');
  const now = Date.now();
  const print = fingerprint();
  let note: StoreNote | undefined = existsSync(noteFile) ? JSON.parse(readFileSync(noteFile, 'utf8')) : undefined;
  if (note && (note.migrations !== print || note.events !== events || now - note.firstWrittenAt > MAX_AGE_HOURS * 3_600_000)) {
    rmSync(dataDir, { recursive: true, force: true });
    note = undefined;
  }
  if (!note) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(catalogFile, JSON.stringify(catalog));
  // The service's read cache as the service would size it: READ_CACHE_MAX_BYTES from the environment.
  const { readCacheMaxBytes } = loadConfig({ READ_CACHE_MAX_BYTES: process.env.READ_CACHE_MAX_BYTES });
  const app = await buildApp(configWith({ dataDir, catalogFile, logLevel: 'warn', apiRateLimitPerMinute: 0, readCacheMaxBytes }));
  await app.ready();
  const insert = (first: number, count: number, windowMs: number, end = now) =>
    app.clickhouse.command({
      query: INSERT_EVENTS,
      query_params: { first, count, end, window_ms: windowMs, visits: Math.ceil(events / EVENTS_PER_VISIT) },
    });
  const started = performance.now();
  let how: string;
  if (!note) {
    await insert(0, events, 0);
    // A store in use for months has its parts merged: so is this one, so runs do not depend on how far merges got.
    for (const table of ['events', 'events_per_hour', 'events_per_day', 'visits_per_hour', 'events_per_minute'])
      await app.clickhouse.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    note = { events, written: events, writtenUpTo: now, firstWrittenAt: now, migrations: print };
    how = `written anew in ${((performance.now() - started) / 1000).toFixed(1)} s (merged)`;
  } else {
    // Whole visits of the time since the last write, at the last hour's rate.
    const gap = now - note.writtenUpTo;
    const visits = Math.round((lastHourRate(events) * gap) / 1000 / EVENTS_PER_VISIT);
    if (visits > 0) await insert(note.written, visits * EVENTS_PER_VISIT, gap);
    note = { ...note, written: note.written + visits * EVENTS_PER_VISIT, writtenUpTo: now };
    how = `opened, ${(visits * EVENTS_PER_VISIT).toLocaleString('en')} events of the last ${(gap / 60_000).toFixed(0)} min added in ${((performance.now() - started) / 1000).toFixed(1)} s`;
  }
  writeFileSync(noteFile, JSON.stringify(note));
  const kept = note;
  const addEvents = async (count: number, windowMs: number) => {
    const visits = Math.ceil(count / EVENTS_PER_VISIT);
    await insert(kept.written, visits * EVENTS_PER_VISIT, windowMs, Date.now());
    kept.written += visits * EVENTS_PER_VISIT;
    writeFileSync(noteFile, JSON.stringify(kept));
  };
  return { app, dataDir, how: `${dataDir}: ${how}`, addEvents };
}
