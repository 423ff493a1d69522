// How long `/api/hotspots` takes to read on 1 million stored events, all of them `ui_click` of one
// site over the last 29 days (the worst case: nothing else to skip): 50 pages, 300 selectors,
// three viewport classes, places spread over the document. Times the overview's read (every page:
// week, day and hour rows, hotspot-sources.ts) beside the same lists read from the hourly rollup
// alone (the plan before migrations 0055-0057: three scans of it), every page of one viewport
// class (the hourly rollup), one page in every class and one page's heatmap (elements and cells).
// The reads take turns, RUNS rounds after one warm-up, so load that comes and goes on a shared
// machine falls on all alike, in the embedded engine once its merges are over; then what the span
// view adds to inserting clicks: CPU of every thread per click, from the first insert until the
// engine's merges are over, with the view and without it, in turn.
// Run: npx tsx ingest/bench/hotspots-read.ts
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { Catalog } from '../src/catalog/catalog.js';
import { createClickHouse } from '../src/clickhouse/client.js';
import { migrate } from '../src/clickhouse/migrate.js';
import { readHotspots } from '../src/hotspots/read-hotspots.js';

const EVENTS = 1_000_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const DAY = 86_400_000;
/** Clicks inserted per batch, batches per measure, and rounds (each measures every state of the span views once). */
const INSERT_BATCH = 10_000;
const INSERT_BATCHES = 10;
const INSERT_ROUNDS = Number(process.env.BENCH_INSERT_ROUNDS ?? 6);
const CLOCK_TICKS_PER_S = 100;

/** The clicks of the bench, `count` of them from number `offset`, for `site`, over the 29 days before `from + 29 days`. */
const CLICKS = `INSERT INTO events (site, type, ts, event_id, source, path, props, received_at)
  SELECT {site:String}, 'ui_click', t, generateUUIDv4(), 'beacon', concat('/page-', toString(number % 50)),
         map('selector', concat('#el-', toString(cityHash64(number, 1) % 300)), 'tag', 'button',
             'x', toString(cityHash64(number, 2) % 101), 'y', toString(cityHash64(number, 3) % 101),
             'viewport', ['phone', 'tablet', 'desktop'][1 + number % 3]), t
  FROM (SELECT number, fromUnixTimestamp64Milli(toInt64({from:Int64} + cityHash64(number) % {span:UInt64})) AS t
        FROM numbers({offset:UInt64}, {count:UInt64}))`;

/** The overview's lists as read before the span rows: three scans of the hourly rollup's whole hours. */
const HOURLY_LISTS = [
  `SELECT sum(clicks) FROM hotspots_per_hour WHERE site = 'portfolio' AND kind = 'element' AND hour >= toDateTime({first:UInt32})`,
  `SELECT path, sum(clicks) AS clicks FROM hotspots_per_hour WHERE site = 'portfolio' AND kind = 'element' AND hour >= toDateTime({first:UInt32})
   GROUP BY path ORDER BY clicks DESC, path LIMIT 20`,
  `SELECT path, selector, any(tag) AS tag, sum(clicks) AS clicks,
          if(sum(placed) = 0, NULL, round(sum(sum_x) / sum(placed))) AS x, if(sum(placed) = 0, NULL, round(sum(sum_y) / sum(placed))) AS y
   FROM hotspots_per_hour WHERE site = 'portfolio' AND kind = 'element' AND hour >= toDateTime({first:UInt32})
   GROUP BY path, selector ORDER BY clicks DESC, path, selector LIMIT 20`,
];

/** CPU seconds of this process, every thread (the engine's among them). */
function cpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

/** Waits until no merge is under way and the process used under 3 % of a core for 2 s in a row. */
async function untilIdle(client: ClickHouseClient): Promise<void> {
  let idle = 0;
  while (idle < 2) {
    const before = cpuSeconds();
    await new Promise((done) => setTimeout(done, 1000));
    const merging = await client.query({ query: 'SELECT count() AS n FROM system.merges', format: 'JSONEachRow' });
    const [row] = await merging.json<{ n: string }>();
    idle = cpuSeconds() - before < 0.03 && Number(row?.n) === 0 ? idle + 1 : 0;
  }
}

const spread = (values: number[], digits = 1) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!.toFixed(digits);
  return `median ${at(0.5)}, min ${at(0)}, max ${at(1)}`;
};

const dataDir = mkdtempSync(join(tmpdir(), 'footfall-hotspots-bench-'));
const client = await createClickHouse({ url: undefined, dataDir });
try {
  await migrate(client);
  const from = Date.now() - 29 * DAY;
  await client.command({ query: CLICKS, query_params: { site: 'portfolio', from, span: 29 * DAY, offset: 0, count: EVENTS } });
  const site = new Catalog({ sites: [{ id: 'portfolio', origins: [], rooms: [] }], eventTypes: ['ui_click'] } as never).sites.get(
    'portfolio',
  )!;
  const period = { range: '30d' };
  const first = Math.ceil((Date.now() - 30 * DAY) / 3_600_000) * 3600;
  const text = async (query: string) => (await client.query({ query, query_params: { first } })).text();
  const reads: Array<{ name: string; read: () => Promise<unknown> }> = [
    {
      name: 'count of the raw clicks in the period (the floor)',
      read: () => text("SELECT count() FROM events WHERE site = 'portfolio' AND type = 'ui_click' AND ts >= now() - INTERVAL 30 DAY"),
    },
    {
      name: 'overview, every page (week, day and hour rows, raw partial hours, one query)',
      read: () => readHotspots(client, site, period, {}),
    },
    {
      name: 'the same lists from the hourly rollup alone (the plan before 0055-0057: three scans)',
      read: async () => {
        for (const query of HOURLY_LISTS) await text(query);
      },
    },
    {
      name: 'every page of one viewport class (the hourly rollup, ordered by page first)',
      read: () => readHotspots(client, site, period, { viewport: 'desktop' }),
    },
    {
      name: 'one page in every viewport class (elements and cells)',
      read: () => readHotspots(client, site, period, { path: '/page-7' }),
    },
    {
      name: 'one page and viewport (heatmap: elements and cells)',
      read: () => readHotspots(client, site, period, { path: '/page-7', viewport: 'desktop' }),
    },
  ];
  // Read once the engine has merged what the insert wrote, as a store that has been running reads it.
  await untilIdle(client);
  const stored = await client.query({
    query: `SELECT (SELECT count() FROM hotspots_per_hour) AS hourly_rows,
                   (SELECT groupArray((span, rows)) FROM (SELECT span, count() AS rows FROM hotspot_elements_per_span GROUP BY span)) AS span_rows`,
    format: 'JSONEachRow',
  });
  console.log('rollup rows:', JSON.stringify(await stored.json()));
  for (const { read } of reads) await read();
  const ms = reads.map((): number[] => []);
  for (let run = 0; run < RUNS; run++) {
    for (const [index, { read }] of reads.entries()) {
      const start = performance.now();
      await read();
      ms[index]!.push(performance.now() - start);
    }
  }
  for (const [index, { name }] of reads.entries()) console.log(`${name}: ${spread(ms[index]!)} ms (${RUNS} reads)`);

  // Insert cost: the same clicks for other sites, with the span view and without it (the store
  // before 0055-0057), in turn.
  const STATES = {
    'with the span view': [],
    'without the span view': ['hotspot_elements_per_span_mv'],
  } as const;
  const states = Object.keys(STATES) as Array<keyof typeof STATES>;
  const perClick = new Map(states.map((state) => [state, [] as number[]]));
  await untilIdle(client);
  for (let round = 0; round < INSERT_ROUNDS; round++) {
    // Each state goes first in turn: whatever the order costs falls on all alike.
    for (const [index, state] of [...states.slice(round % states.length), ...states.slice(0, round % states.length)].entries()) {
      for (const view of STATES[state]) await client.command({ query: `DETACH TABLE ${view}` });
      const before = cpuSeconds();
      for (let batch = 0; batch < INSERT_BATCHES; batch++) {
        await client.command({
          query: CLICKS,
          query_params: { site: `insert-${round}-${index}`, from, span: 29 * DAY, offset: batch * INSERT_BATCH, count: INSERT_BATCH },
        });
      }
      await untilIdle(client);
      // The idle windows' CPU (under 3 % of a core, 2 s) is within the figure: the same for each.
      perClick.get(state)!.push(((cpuSeconds() - before) * 1e6) / (INSERT_BATCH * INSERT_BATCHES));
      for (const view of STATES[state]) await client.command({ query: `ATTACH TABLE ${view}` });
    }
  }
  for (const state of states) {
    console.log(
      `insert CPU per click, ${state}: ${spread(perClick.get(state)!, 0)} µs (${INSERT_ROUNDS} × ${INSERT_BATCHES} batches of ${INSERT_BATCH})`,
    );
  }
} finally {
  await client.close();
  rmSync(dataDir, { recursive: true, force: true });
}
