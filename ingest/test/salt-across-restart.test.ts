// Visitor ids stay the same all day across a restart: the day's salt is kept in ClickHouse
// (before, each process drew its own, so after a crash every returning visitor counted twice),
// and the salts of past days are deleted, so ids cannot be joined across days.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { migrate } from '../src/clickhouse/migrate.js';
import { DailySalts, dayOf } from '../src/events/daily-salts.js';
import { VisitorIds } from '../src/events/visitor-id.js';
import { startService } from './support/service-process.js';
import { BROWSER_UA, beaconEvent, countOf, freshDataDir, testApp } from './support/test-app.js';

const DAY_MS = 86_400_000;
const VISITOR = '203.0.113.7';

async function visit(url: string, session: string): Promise<void> {
  const response = await fetch(`${url}/v1/beacon`, {
    method: 'POST',
    body: JSON.stringify({ site: 'portfolio', events: [beaconEvent({ session })] }),
    headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA },
  });
  expect(response.status).toBe(202);
}

describe('the daily salt across a restart', () => {
  it('counts a visitor of one day once when the service was killed with SIGKILL and started again', { timeout: 180_000 }, async () => {
    const dataDir = freshDataDir();
    // The beacons come from loopback: the service sees the same address and user agent both times.
    const env = { DATA_DIR: dataDir, BATCH_INTERVAL_MS: '100' };
    try {
      const before = await startService(env);
      await visit(before.url, 'morning');
      await before.process.kill();
      expect(await before.exited).toBe('SIGKILL');

      const after = await startService(env);
      await visit(after.url, 'afternoon');
      await after.process.stop();

      const app = await testApp({ dataDir });
      try {
        expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id IN ('morning', 'afternoon')")).toBe(2);
        expect(await countOf(app, "SELECT uniqExact(visitor_id) AS n FROM events WHERE session_id IN ('morning', 'afternoon')")).toBe(1);
        // The day's visitors as the overview reads them, from the daily rollup.
        expect(
          await countOf(app, "SELECT uniqMerge(visitors) AS n FROM events_per_day WHERE site = 'portfolio' AND dimension = 'all'"),
        ).toBe(1);
        // Only the salts are kept: nothing of the visitor's address or user agent.
        const stored = await countOf(
          app,
          `SELECT count() AS n FROM visitor_salts WHERE position(salt, '${VISITOR}') > 0 OR position(salt, 'Mozilla') > 0`,
        );
        expect(stored).toBe(0);
      } finally {
        await app.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the daily salts kept in ClickHouse', () => {
  // The time source is a test double (the only one here): days pass without waiting for them. It
  // starts today: the table's TTL (the backstop of the deletion) follows the real clock.
  const TODAY_MS = dayOf(Date.now()) * DAY_MS + 3_600_000;
  async function store() {
    const dataDir = freshDataDir();
    const client = await createClickHouse({ url: undefined, dataDir });
    await migrate(client);
    return { client, salts: new DailySalts(client), dataDir };
  }

  it('gives every process the same salt for a day, even two that create it at once', async () => {
    const { client, salts, dataDir } = await store();
    try {
      const now = () => TODAY_MS;
      const one = new VisitorIds(now, salts);
      const other = new VisitorIds(now, salts);
      await Promise.all([one.refresh(), other.refresh()]);
      expect(one.idOf('portfolio', VISITOR, BROWSER_UA)).toBe(other.idOf('portfolio', VISITOR, BROWSER_UA));
      // A process started later that day (a restart) reads the same salt.
      const restarted = new VisitorIds(now, salts);
      await restarted.refresh();
      expect(restarted.idOf('portfolio', VISITOR, BROWSER_UA)).toBe(one.idOf('portfolio', VISITOR, BROWSER_UA));
    } finally {
      await client.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('gives two stores on one engine, each with its connection, one salt for a day, 40 days raced in a row', async () => {
    const { client, salts, dataDir } = await store();
    // A second connection to the same engine: the two stores' queries run at once, as two replicas' would.
    const otherClient = await createClickHouse({ url: undefined, dataDir });
    try {
      const other = new DailySalts(otherClient);
      const today = dayOf(TODAY_MS);
      const differing: number[] = [];
      for (let day = today; day < today + 40; day++) {
        const [one, two] = await Promise.all([salts.saltOf(day, randomBytes(32)), other.saltOf(day, randomBytes(32))]);
        if (!one.equals(two)) differing.push(day);
      }
      expect(differing).toEqual([]);
    } finally {
      await otherClient.close();
      await client.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('deletes the salts of past days at the rollover, and the next day has another id', async () => {
    const { client, salts, dataDir } = await store();
    try {
      const time = { now: TODAY_MS };
      const today = dayOf(time.now);
      // Yesterday's salt (a service that was down at the rollover).
      await salts.saltOf(today - 1, randomBytes(32));
      expect(await salts.days()).toEqual([today - 1]);
      const ids = new VisitorIds(() => time.now, salts);
      await ids.refresh();
      // Today's, and tomorrow's made ahead of midnight; nothing older.
      expect(await salts.days()).toEqual([today, today + 1]);
      const first = ids.idOf('portfolio', VISITOR, BROWSER_UA);

      time.now += DAY_MS;
      await ids.refresh();
      expect(await salts.days()).toEqual([today + 1, today + 2]);
      const next = ids.idOf('portfolio', VISITOR, BROWSER_UA);
      expect(next).not.toBe(first);
      // Another process that day agrees with it, and cannot recompute yesterday's id.
      const other = new VisitorIds(() => time.now, salts);
      await other.refresh();
      expect(other.idOf('portfolio', VISITOR, BROWSER_UA)).toBe(next);
    } finally {
      await client.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
