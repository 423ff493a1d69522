// A realistic day of portfolio traffic, sent through the ingest service's own API: beacon
// sessions (pages, the room, object views and clicks, navigation, time spent; referrers, campaign
// parameters, steps between pages with and without the History API) from a few hundred visitors
// on several devices and in several countries, page-load traces, and web-vital histograms. Everything sent is
// also returned, so a test can work out what each dashboard panel must show.
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { JsonMetricsSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import mt19937 from '@stdlib/random-base-mt19937';
import type { FastifyInstance } from 'fastify';
import { AlertStore, type StoredAlert } from '../../../ingest/src/alerts/alert-store.js';
import { dailyRhythm, DAY, HOUR, MINUTE } from './traffic-scenarios.js';

const SITE = 'portfolio';
const ROOM = 'studio';
// Each agent with the device class and browser the ingest service must find in it.
const AGENTS: ReadonlyArray<{ userAgent: string; device: string; browser: string }> = [
  {
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    device: 'desktop',
    browser: 'Chrome',
  },
  {
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    device: 'desktop',
    browser: 'Safari',
  },
  { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', device: 'desktop', browser: 'Firefox' },
  {
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    device: 'mobile',
    browser: 'Safari',
  },
  {
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    device: 'mobile',
    browser: 'Chrome',
  },
  {
    userAgent:
      'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    device: 'tablet',
    browser: 'Safari',
  },
];
const USER_AGENTS = AGENTS.map((agent) => agent.userAgent);
/** The web vitals' histogram buckets, set here so the expected p75 can be worked out from the samples. */
export const VITAL_BOUNDS = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
// The last is a page of the site itself (another tab, or a multi-page site's ordinary link): never
// a source, the page before this one instead.
const REFERRERS = [
  'https://www.google.com/',
  'https://github.com/someone',
  'https://news.ycombinator.com/',
  '',
  '',
  'http://localhost:5173/projects',
];
/** The catalog's origins of the site: a referrer on one of them is stored as `from`, not as a source. */
const OWN_ORIGINS = new Set(['http://localhost:5173', 'http://127.0.0.1:5173']);
// Campaign parameters of some landing page views, as the tracker reads them from the landing URL.
const CAMPAIGNS: ReadonlyArray<Record<string, string>> = [
  { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'spring-launch' },
  { utm_source: 'mastodon', utm_medium: 'social', utm_campaign: 'spring-launch' },
  { utm_source: 'mastodon', utm_medium: 'social' },
  { utm_campaign: 'cv' },
];
// Visitors' addresses, each block with the country the bundled IP-to-country database gives it
// ('' for a documentation range it does not know): the country panels are worked out from these.
const ADDRESS_BLOCKS: ReadonlyArray<{ prefix: string; country: string }> = [
  { prefix: '80.128.0.', country: 'DE' },
  { prefix: '62.210.16.', country: 'FR' },
  { prefix: '8.8.8.', country: 'US' },
  { prefix: '133.11.0.', country: 'JP' },
  { prefix: '192.0.2.', country: '' },
];
// Click weights: the plant is looked at and never clicked; the desk lamp is never even seen.
const CLICK_WEIGHT: Record<string, number> = { guitar: 5, laptop: 4, bookshelf: 3, 'record-player': 2, camera: 1, poster: 1, plant: 0 };
const VISIBLE_OBJECTS = Object.keys(CLICK_WEIGHT);

/** One beacon event as sent, with the visitor and device it came from. */
export interface SentEvent {
  type: string;
  ts: number;
  session: string;
  path: string;
  visitor: string;
  device: string;
  browser: string;
  /** The referrer's host as stored: '' for none and for a referrer on the site's own origins. */
  referrerHost: string;
  country: string;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
  object: string;
  room: string;
  /** The page before, as stored in nav_from: the event's `from`, or the path of a referrer on the site's own origins. */
  from: string;
  to: string;
  durationMs: number;
  /** A time_spent event's `scroll_depth` property; 0 when it has none. */
  scrollDepth: number;
  /** The event's props as stored: every value as text. */
  props: Record<string, string>;
}

export interface SentSpan {
  traceId: string;
  name: string;
  startMs: number;
  durationMs: number;
  /** `url.path` of a documentLoad span, `http.url` of a resourceFetch span. */
  path: string;
  url: string;
  /** The resource's service.name: portfolio-web, or footfall-ingest for the ingest service's own spans. */
  service?: string;
  /** Ended with an error status. */
  error?: boolean;
}

export interface SentVital {
  name: string;
  path: string;
  samples: number[];
}

/** What the seed sent, for the tests to compare with. */
export interface SeedSummary {
  sessions: number;
  events: number;
  traces: number;
  slowTraceIds: string[];
  pages: string[];
  sentEvents: SentEvent[];
  sentSpans: SentSpan[];
  sentVitals: SentVital[];
  /** Every write of the service's alert store, in order: an episode written again keeps its last write. */
  sentAlerts: StoredAlert[];
}

// Seeded, so a failing run can be repeated with the same data.
function random(seed: number): () => number {
  const generator = mt19937.factory({ seed });
  return () => generator() / (generator.MAX + 1);
}

interface BeaconEvent {
  id: string;
  type: string;
  ts: number;
  session: string;
  path: string;
  [field: string]: unknown;
}

/** Links the seed's visitors follow: to other sites, and to files (the query is stored cut off). */
const FOLLOWED_LINKS: Array<[string, string]> = [
  ['outbound', 'https://github.com/someone?tab=repositories'],
  ['download', 'http://localhost:5173/files/cv.pdf'],
  ['outbound', 'https://www.linkedin.com/in/someone'],
  ['download', 'https://cdn.example.net/talk.pptx#slide=3'],
];

/** Elements of the home page clicked (hotspots): selector, tag and the place on the document in %. */
const CLICKED_ELEMENTS: ReadonlyArray<[string, string, number, number]> = [
  ['#contact', 'a', 90, 4],
  ['nav > a:nth-of-type(2)', 'a', 40, 4],
  ['[data-section="hero"] > button', 'button', 50, 30],
  ['main > h1', 'h1', 20, 15],
  ['#projects-link', 'a', 30, 60],
  ['footer > a', 'a', 50, 98],
  ['#cv', 'a', 70, 45],
  ['.card:nth-of-type(1)', 'div', 25, 70],
  ['.card:nth-of-type(2)', 'div', 50, 70],
  ['.card:nth-of-type(3)', 'div', 75, 70],
  ['#theme-toggle', 'button', 95, 2],
  ['main > p', 'p', 40, 40],
];
/** The viewport class of each device class, as the tracker sends it. */
const VIEWPORT_OF: Record<string, string> = { desktop: 'desktop', mobile: 'phone', tablet: 'tablet' };

/** A time_spent event's scroll depth by a number of the session: none for every fourth. */
const depthOf = (n: number): { props?: { scroll_depth: number } } => (n % 4 === 0 ? {} : { props: { scroll_depth: 5 + ((n * 37) % 96) } });

export async function seedDayOfTraffic(app: FastifyInstance, now: number, sessions = 240): Promise<SeedSummary> {
  const next = random(20261123);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const summary: SeedSummary = {
    sessions: 0,
    events: 0,
    traces: 0,
    slowTraceIds: [],
    pages: [],
    sentEvents: [],
    sentSpans: [],
    sentVitals: [],
    sentAlerts: [],
  };
  const pages = new Set<string>();

  // Session starts follow the daily rhythm over the last 23 hours; the last few are live. The
  // day's sessions end before the last 10 minutes and the live ones start in the last 2, so the
  // "last 5 minutes" panels have no event near their edge for minutes after seeding. Whole
  // milliseconds, as ClickHouse stores them.
  const starts: number[] = [];
  while (starts.length < sessions - 5) {
    const at = Math.floor(now - 23 * HOUR + next() * (23 * HOUR - 15 * MINUTE));
    if (next() < dailyRhythm(at % DAY)) starts.push(at);
  }
  for (let live = 0; live < 5; live++) starts.push(now - 2 * MINUTE + live * 15_000);

  for (const [index, start] of starts.entries()) {
    const session = `s-${index}-${Math.floor(next() * 1e9)}`;
    const visitor = Math.floor(next() * sessions * 0.75);
    const { userAgent, device, browser } = AGENTS[visitor % AGENTS.length]!;
    // One address per visitor: the block by visitor number, the last octet counting through it.
    const block = ADDRESS_BLOCKS[visitor % ADDRESS_BLOCKS.length]!;
    const address = `${block.prefix}${Math.floor(visitor / ADDRESS_BLOCKS.length) % 250}`;
    let ts = start;
    let eventNumber = 0;
    const events: BeaconEvent[] = [];
    const add = (type: string, path: string, fields: Record<string, unknown> = {}): void => {
      events.push({ id: `${session}-${eventNumber++}`, type, ts, session, path, ...fields });
      pages.add(path);
      ts += 2000 + Math.floor(next() * 8000);
    };
    const campaign = next() < 0.25 ? pick(CAMPAIGNS) : {};
    add('page_view', '/', { referrer: pick(REFERRERS), ...campaign });
    // Followed links and scroll depths by the session's number, drawing nothing from the
    // generator, so every other figure of the seed stays as it was. A link a second before the
    // next event; every fourth time_spent without a depth (left before the lazy part came).
    // Hotspots the same way: every other session clicks an element of the home page, the first
    // element twice as often as the rest (13 turns over 12 elements), half a second before a link.
    if (index % 2 === 0) {
      const [selector, tag, x, y] = CLICKED_ELEMENTS[((index / 2) % 13) % CLICKED_ELEMENTS.length]!;
      const props = { selector, tag, x, y, viewport: VIEWPORT_OF[device]! };
      events.push({ id: `${session}-${eventNumber++}`, type: 'ui_click', ts: ts - 1500, session, path: '/', props });
    }
    if (index % 3 === 0) {
      const [type, to] = FOLLOWED_LINKS[index % FOLLOWED_LINKS.length]!;
      events.push({ id: `${session}-${eventNumber++}`, type, ts: ts - 1000, session, path: '/', to });
    }
    add('time_spent', '/', { duration_ms: 3000 + Math.floor(next() * 20_000), ...depthOf(index) });
    if (next() < 0.7) {
      // History API navigations: the tracker sends a navigation, then a page view naming the page before.
      add('navigation', '/', { from: '/', to: '/room' });
      add('page_view', '/room', { from: '/' });
      add('room_enter', '/room', { room: ROOM });
      const seen = VISIBLE_OBJECTS.filter(() => next() < 0.6);
      for (const object of seen) add('object_view', '/room', { object });
      for (const object of seen) if (next() < CLICK_WEIGHT[object]! / 6) add('object_click', '/room', { object });
      add('time_spent', '/room', { room: ROOM, duration_ms: 20_000 + Math.floor(next() * 160_000), ...depthOf(index + 1) });
      add('room_exit', '/room', { room: ROOM });
      if (next() < 0.6) {
        const target = pick(['/projects', '/about', '/contact']);
        add('navigation', '/room', { from: '/room', to: target });
        add('page_view', target, { from: '/room' });
        add('time_spent', target, { duration_ms: 5000 + Math.floor(next() * 60_000), ...depthOf(index + 2) });
      }
    } else if (next() < 0.5) {
      add('navigation', '/', { from: '/', to: '/about' });
      add('page_view', '/about', { from: '/' });
      add('time_spent', '/about', { duration_ms: 4000 + Math.floor(next() * 30_000) });
      // Some go back and read it again: one flow twice in a session, so flows count steps, not sessions.
      if (next() < 0.3) {
        add('navigation', '/about', { from: '/about', to: '/' });
        add('page_view', '/', { from: '/about' });
        add('navigation', '/', { from: '/', to: '/about' });
        add('page_view', '/about', { from: '/' });
      }
    } else {
      // An ordinary link of a multi-page site: a new page load, no navigation event, the page
      // before only in the referrer.
      add('page_view', '/contact', { referrer: 'http://localhost:5173/' });
      add('time_spent', '/contact', { duration_ms: 4000 + Math.floor(next() * 30_000) });
    }
    // Nothing from the future: the live sessions' last events are pulled back to just before now,
    // a millisecond apart so their order stays certain.
    const live = events.map((event, index): BeaconEvent => ({ ...event, ts: Math.min(event.ts, now - 1000 - (events.length - index)) }));
    const response = await app.inject({
      method: 'POST',
      url: '/v1/beacon',
      headers: { 'content-type': 'text/plain', 'user-agent': userAgent, 'x-forwarded-for': address },
      payload: JSON.stringify({ site: SITE, events: live }),
    });
    if (response.statusCode !== 202) throw new Error(`seed beacon answered ${response.statusCode}: ${response.body}`);
    const answer = response.json<{ accepted: number }>();
    if (answer.accepted !== live.length) throw new Error(`seed beacon accepted ${answer.accepted} of ${live.length}: ${response.body}`);
    summary.sessions += 1;
    summary.events += live.length;
    for (const event of live) {
      const referrer = typeof event.referrer === 'string' && event.referrer !== '' ? new URL(event.referrer) : undefined;
      const ownReferrer = referrer !== undefined && OWN_ORIGINS.has(referrer.origin);
      summary.sentEvents.push({
        type: event.type,
        ts: event.ts,
        session,
        path: event.path,
        visitor: `visitor-${visitor}`,
        device,
        browser,
        referrerHost: referrer && !ownReferrer ? referrer.host : '',
        country: block.country,
        utmSource: String(event.utm_source ?? ''),
        utmMedium: String(event.utm_medium ?? ''),
        utmCampaign: String(event.utm_campaign ?? ''),
        object: String(event.object ?? ''),
        room: String(event.room ?? (event.object ? ROOM : '')),
        from: String(event.from ?? (ownReferrer ? referrer.pathname : '')),
        to: String(event.to ?? ''),
        durationMs: Number(event.duration_ms ?? 0),
        scrollDepth: Number((event.props as { scroll_depth?: number } | undefined)?.scroll_depth ?? 0),
        props: Object.fromEntries(
          Object.entries((event.props ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)]),
        ),
      });
    }
  }

  await sendPageLoadTraces(app, starts, next, summary);
  await sendIngestSpans(app, starts, next, summary);
  await sendWebVitals(app, next, summary);
  await storeAlerts(app, now, summary);
  summary.pages = [...pages].sort();
  return summary;
}

/**
 * The service's own traffic alerts, written through its alert store as its evaluator writes them:
 * one firing now, one fired and resolved in the day (written again when the webhook took each
 * message), one resolved before the day, and one of another site.
 */
async function storeAlerts(app: FastifyInstance, now: number, summary: SeedSummary): Promise<void> {
  const store = new AlertStore(app.clickhouse);
  const minute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;
  const spike: StoredAlert = {
    rule: 'footfall-traffic-spike',
    site: SITE,
    startedAt: minute(now - 6 * HOUR),
    resolvedAt: undefined,
    observed: 42.5,
    expected: 6.25,
    notified: '',
  };
  const writes: StoredAlert[] = [
    spike,
    { ...spike, notified: 'firing' },
    { ...spike, resolvedAt: minute(now - 5 * HOUR), notified: 'firing' },
    { ...spike, resolvedAt: minute(now - 5 * HOUR), notified: 'resolved' },
    {
      rule: 'footfall-partial-drop',
      site: SITE,
      startedAt: minute(now - 40 * MINUTE),
      resolvedAt: undefined,
      observed: 0.5,
      expected: 6,
      notified: 'firing',
    },
    {
      rule: 'footfall-tracking-broken',
      site: SITE,
      startedAt: minute(now - 30 * HOUR),
      resolvedAt: minute(now - 29 * HOUR),
      observed: 0,
      expected: 4,
      notified: 'resolved',
    },
    {
      rule: 'footfall-partial-drop',
      site: 'blog',
      startedAt: minute(now - HOUR),
      resolvedAt: undefined,
      observed: 1,
      expected: 9,
      notified: 'firing',
    },
  ];
  for (const alert of writes) {
    await store.save(alert);
    summary.sentAlerts.push(alert);
    // The newest write of an episode wins by its version, a time in ms: one write a millisecond.
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * A documentLoad span is a page view (docs/otel-existing.md). These spans name no `session.id` and
 * no visitor's agent, and all come in one request: by the documented rule they make one session and
 * one visitor (the day's salt, the site, the request's address and the empty agent), of unknown
 * device and browser, with no country (never read for OTLP), referrer or campaign.
 */
const PAGE_LOADS_VISITOR = 'otlp-page-loads';
function pageViewOfDocumentLoad(ts: number, path: string): SentEvent {
  return {
    type: 'page_view',
    ts,
    session: PAGE_LOADS_VISITOR,
    path,
    visitor: PAGE_LOADS_VISITOR,
    device: 'unknown',
    browser: 'unknown',
    referrerHost: '',
    country: '',
    utmSource: '',
    utmMedium: '',
    utmCampaign: '',
    object: '',
    room: '',
    from: '',
    to: '',
    durationMs: 0,
    scrollDepth: 0,
    props: {},
  };
}

/** documentLoad spans with resourceFetch children, a few of them slower than 3 s; each is also a page view. */
async function sendPageLoadTraces(app: FastifyInstance, starts: number[], next: () => number, summary: SeedSummary): Promise<void> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'portfolio-web', 'portfolio.site': SITE }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('@opentelemetry/instrumentation-document-load');
  for (const start of starts.filter((_, index) => index % 3 === 0)) {
    const slow = next() < 0.15;
    // Whole milliseconds, so the stored durations are exactly what was sent.
    const duration = Math.round(slow ? 3200 + next() * 3000 : 300 + next() * 1500);
    const path = next() < 0.6 ? '/room' : '/';
    const load = tracer.startSpan('documentLoad', { startTime: start, attributes: { 'url.path': path } });
    const parent = trace.setSpan(context.active(), load);
    const traceId = load.spanContext().traceId;
    for (const asset of ['/assets/room.glb', '/assets/app.js', '/api/projects.json']) {
      const fetchStart = start + Math.round(next() * duration * 0.3);
      const fetchDuration = Math.round(next() * duration * 0.6);
      const url = `http://localhost:5173${asset}`;
      tracer.startSpan('resourceFetch', { startTime: fetchStart, attributes: { 'http.url': url } }, parent).end(fetchStart + fetchDuration);
      summary.sentSpans.push({ traceId, name: 'resourceFetch', startMs: fetchStart, durationMs: fetchDuration, path: '', url });
    }
    load.end(start + duration);
    summary.sentSpans.push({ traceId, name: 'documentLoad', startMs: start, durationMs: duration, path, url: '' });
    summary.sentEvents.push(pageViewOfDocumentLoad(start, path));
    if (slow) summary.slowTraceIds.push(load.spanContext().traceId);
    summary.traces += 1;
  }
  const body = JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans());
  await postOtlp(app, '/v1/traces', body);
  await provider.shutdown();
}

/**
 * The ingest service's own spans, as its self-telemetry makes them: a request span per beacon, and
 * per batch a write span with its INSERT, every tenth INSERT failing. Whole milliseconds.
 */
async function sendIngestSpans(app: FastifyInstance, starts: number[], next: () => number, summary: SeedSummary): Promise<void> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'footfall-ingest' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('@footfall/ingest');
  const record = (name: string, start: number, durationMs: number, error: boolean, parent = context.active()) => {
    const span = tracer.startSpan(name, { startTime: start }, parent);
    if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'ClickHouse is away' });
    span.end(start + durationMs);
    summary.sentSpans.push({
      traceId: span.spanContext().traceId,
      name,
      startMs: start,
      durationMs,
      path: '',
      url: '',
      service: 'footfall-ingest',
      error,
    });
    return span;
  };
  starts
    .filter((_, index) => index % 4 === 0)
    .forEach((start, index) => {
      record('POST /v1/beacon', start, Math.round(2 + next() * 38), false);
      const batchStart = start + 1000;
      const insertMs = Math.round(5 + next() * 150);
      const batch = tracer.startSpan('footfall.batch.write', { root: true, startTime: batchStart });
      record('INSERT events', batchStart + 1, insertMs, index % 10 === 9, trace.setSpan(context.active(), batch));
      batch.end(batchStart + insertMs + 2);
      summary.sentSpans.push({
        traceId: batch.spanContext().traceId,
        name: 'footfall.batch.write',
        startMs: batchStart,
        durationMs: insertMs + 2,
        path: '',
        url: '',
        service: 'footfall-ingest',
        error: false,
      });
    });
  await postOtlp(app, '/v1/traces', JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
  await provider.shutdown();
}

/** A reader collected by hand, with the delta temporality browsers use. */
class CollectOnDemand extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

async function sendWebVitals(app: FastifyInstance, next: () => number, summary: SeedSummary): Promise<void> {
  const reader = new CollectOnDemand();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'portfolio-web', 'portfolio.site': SITE }),
    readers: [reader],
  });
  const meter = provider.getMeter('footfall-web-vitals');
  const vitals: Array<[string, string, () => number]> = [
    ['lcp', 'ms', () => 900 + next() * 3000],
    ['inp', 'ms', () => 40 + next() * 300],
    ['cls', '1', () => next() * 0.3],
    ['fcp', 'ms', () => 400 + next() * 1800],
    ['ttfb', 'ms', () => 50 + next() * 600],
  ];
  for (const [name, unit, sample] of vitals) {
    const histogram = meter.createHistogram(`portfolio.web_vital.${name}`, { unit, advice: { explicitBucketBoundaries: VITAL_BOUNDS } });
    for (const path of ['/', '/room', '/projects']) {
      const samples = Array.from({ length: 40 }, sample);
      for (const value of samples) histogram.record(value, { 'url.path': path });
      summary.sentVitals.push({ name: `portfolio.web_vital.${name}`, path, samples });
    }
  }
  const { resourceMetrics } = await reader.collect();
  await postOtlp(app, '/v1/metrics', JsonMetricsSerializer.serializeRequest(resourceMetrics));
  await provider.shutdown();
}

async function postOtlp(app: FastifyInstance, url: string, body: Uint8Array | undefined): Promise<void> {
  if (!body) throw new Error(`nothing serialized for ${url}`);
  // A browser's user agent, or the service refuses the request as a bot.
  const headers = { 'content-type': 'application/json', 'user-agent': USER_AGENTS[0]! };
  const response = await app.inject({ method: 'POST', url, headers, payload: Buffer.from(body) });
  if (response.statusCode >= 300) throw new Error(`${url} answered ${response.statusCode}: ${response.body}`);
}
