// How long `/api/hotspots` takes to read on 1 million stored events, all of them `ui_click` of one
// site over the last 29 days (the worst case: nothing else to skip): 50 pages, 300 selectors,
// three viewport classes, places spread over the document. Times the overview's read (every page)
// and one page's heatmap (elements and cells), each read 20 times after one warm-up, in the
// embedded engine. Run: npx tsx ingest/bench/hotspots-read.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../src/catalog/catalog.js';
import { createClickHouse } from '../src/clickhouse/client.js';
import { migrate } from '../src/clickhouse/migrate.js';
import { readHotspots } from '../src/hotspots/read-hotspots.js';

const EVENTS = 1_000_000;
const RUNS = 20;
const DAY = 86_400_000;

const dataDir = mkdtempSync(join(tmpdir(), 'footfall-hotspots-bench-'));
const client = await createClickHouse({ url: undefined, dataDir });
try {
  await migrate(client);
  const from = Date.now() - 29 * DAY;
  await client.command({
    query: `INSERT INTO events (site, type, ts, event_id, source, path, props, received_at)
            SELECT 'portfolio', 'ui_click', t, generateUUIDv4(), 'beacon', concat('/page-', toString(number % 50)),
                   map('selector', concat('#el-', toString(cityHash64(number, 1) % 300)), 'tag', 'button',
                       'x', toString(cityHash64(number, 2) % 101), 'y', toString(cityHash64(number, 3) % 101),
                       'viewport', ['phone', 'tablet', 'desktop'][1 + number % 3]), t
            FROM (SELECT number, fromUnixTimestamp64Milli(toInt64({from:Int64} + cityHash64(number) % {span:UInt64})) AS t
                  FROM numbers({events:UInt64}))`,
    query_params: { from, span: 29 * DAY, events: EVENTS },
  });
  const site = new Catalog({ sites: [{ id: 'portfolio', origins: [], rooms: [] }], eventTypes: ['ui_click'] } as never).sites.get(
    'portfolio',
  )!;
  const period = { range: '30d' };
  const time = async (name: string, read: () => Promise<unknown>) => {
    await read();
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await read();
      ms.push(performance.now() - start);
    }
    ms.sort((a, b) => a - b);
    console.log(`${name}: median ${ms[RUNS / 2]!.toFixed(1)} ms, slowest ${ms[RUNS - 1]!.toFixed(1)} ms (${RUNS} reads)`);
  };
  const stored = await client.query({
    query: 'SELECT count() AS n, uniqExact(_part) AS parts FROM hotspots_per_hour',
    format: 'JSONEachRow',
  });
  console.log('rollup rows and parts:', JSON.stringify(await stored.json()));
  await time('count of the raw clicks in the period (the floor)', () =>
    client
      .query({ query: "SELECT count() FROM events WHERE site = 'portfolio' AND type = 'ui_click' AND ts >= now() - INTERVAL 30 DAY" })
      .then((r) => r.text()),
  );
  await time('overview, every page', () => readHotspots(client, site, period, {}));
  await time('one page and viewport (heatmap)', () => readHotspots(client, site, period, { path: '/page-7', viewport: 'desktop' }));
} finally {
  await client.close();
  rmSync(dataDir, { recursive: true, force: true });
}
