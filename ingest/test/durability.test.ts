import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { LOCK_FILE_NAME } from '../src/data-dir-lock.js';
import { BROWSER_UA, beaconEvent, countOf, freshDataDir, postBeacon, testApp } from './support/test-app.js';
import { metricValue } from './support/prometheus-text.js';
import { startService } from './support/service-process.js';

/**
 * A test double for an outage, which is outside our control: the real embedded ClickHouse
 * behind a switch that makes every call fail as a refused connection would.
 */
async function switchableClickHouse(dataDir: string): Promise<{ client: ClickHouseClient; outage: { down: boolean } }> {
  const real = await createClickHouse({ url: undefined, dataDir });
  const outage = { down: false };
  const client = new Proxy(real, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'close') return value;
      return (...args: unknown[]) => {
        if (outage.down) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }));
        return value.apply(target, args);
      };
    },
  });
  return { client, outage };
}

const waitFor = async (check: () => Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** Events of the session in the data folder's ClickHouse, read once the service that wrote them is gone. */
async function storedEventsOf(dataDir: string, session: string): Promise<number> {
  const client = await createClickHouse({ url: undefined, dataDir });
  try {
    const result = await client.query({
      query: 'SELECT count() AS n FROM events WHERE session_id = {session:String}',
      query_params: { session },
      format: 'JSONEachRow',
    });
    return Number((await result.json<{ n: string }>())[0]!.n);
  } finally {
    await client.close();
  }
}

describe('while ClickHouse is down', () => {
  it('accepts into the spool, says it is not ready, and writes everything exactly once when ClickHouse is back', async () => {
    const dataDir = freshDataDir();
    const { client, outage } = await switchableClickHouse(dataDir);
    const app = await testApp({ dataDir, batchSize: 25 }, { clickhouse: client });
    try {
      outage.down = true;
      for (let request = 0; request < 20; request++) {
        const events = Array.from({ length: 10 }, () => beaconEvent({ session: 'outage' }));
        expect((await postBeacon(app, { events })).statusCode).toBe(202);
      }
      const ready = await app.inject('/readyz');
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ clickhouse: 'unreachable' });
      await waitFor(async () => /footfall_write_failures_total\{table="events"\} [1-9]/.test((await app.inject('/metrics')).body));
      expect(app.pipeline.pendingBytes).toBeGreaterThan(0);

      outage.down = false;
      expect(await app.pipeline.flush(30_000)).toBe(true);
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'outage'")).toBe(200);
      expect(await countOf(app, "SELECT sum(events) AS n FROM events_per_minute WHERE type = 'page_view'")).toBe(200);
      expect((await app.inject('/readyz')).statusCode).toBe(200);
      expect(readdirSync(join(dataDir, 'wal', 'events'))).toEqual([]);
    } finally {
      outage.down = false;
      await app.close();
    }
  });

  it('answers 503 with Retry-After once the spool is full, and drops nothing it accepted', async () => {
    const dataDir = freshDataDir();
    const { client, outage } = await switchableClickHouse(dataDir);
    const app = await testApp({ dataDir, batchSize: 10, spoolMaxBytes: 8 * 1024 }, { clickhouse: client });
    try {
      outage.down = true;
      let accepted = 0;
      let refusedWith: { statusCode: number; headers: Record<string, unknown> } | undefined;
      for (let request = 0; request < 200 && !refusedWith; request++) {
        const response = await postBeacon(app, { events: Array.from({ length: 5 }, () => beaconEvent({ session: 'full' })) });
        if (response.statusCode === 202) accepted += response.json().accepted;
        else refusedWith = response;
      }
      expect(refusedWith?.statusCode).toBe(503);
      expect(Number(refusedWith?.headers['retry-after'])).toBeGreaterThan(0);
      expect((await app.inject('/readyz')).json()).toMatchObject({ spool: 'full' });
      expect(accepted).toBeGreaterThan(0);

      outage.down = false;
      expect(await app.pipeline.flush(30_000)).toBe(true);
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'full'")).toBe(accepted);
      expect((await postBeacon(app, { events: [beaconEvent()] })).statusCode).toBe(202);
    } finally {
      outage.down = false;
      await app.close();
    }
  });
});

describe('when the disk refuses the write-ahead log', () => {
  it('answers 503 with Retry-After, accepts nothing of the request, and recovers', async () => {
    const app = await testApp();
    try {
      // A test double for a failing disk: a file where the log's directory must be.
      const walDir = join(app.dataDir, 'wal', 'events');
      rmSync(walDir, { recursive: true });
      writeFileSync(walDir, '');
      const body = { events: [beaconEvent({ session: 'disk' })] };
      const refused = await postBeacon(app, body);
      expect(refused.statusCode).toBe(503);
      expect(refused.json().code).toBe('FOOTFALL_LOG_UNWRITABLE');
      expect(refused.headers['retry-after']).toBe('30');
      const unready = await app.inject('/readyz');
      expect(unready.statusCode).toBe(503);
      expect(unready.json()).toMatchObject({ status: 'not ready', write_ahead_log: 'refusing writes (disk full?)' });

      rmSync(walDir);
      mkdirSync(walDir);
      const retried = await postBeacon(app, body);
      expect(retried.statusCode).toBe(202);
      const ready = await app.inject('/readyz');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ write_ahead_log: 'writable' });
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'disk'")).toBe(1);
    } finally {
      await app.close();
    }
  });
});

describe('a batch ClickHouse refuses for its content', () => {
  it('is moved aside after a few tries and does not hold up the batches behind it', async () => {
    const dataDir = freshDataDir();
    const walDir = join(dataDir, 'wal', 'events');
    mkdirSync(walDir, { recursive: true });
    const row = (id: string, ts: unknown) =>
      JSON.stringify({ site: 'portfolio', type: 'page_view', ts, event_id: id, received_at: Date.now() });
    writeFileSync(join(walDir, '00000000000000000001.ndjson'), `${row('poison-1', 'not a time at all')}\n`);
    writeFileSync(join(walDir, '00000000000000000002.ndjson'), `${row('healthy-1', Date.now())}\n`);

    const app = await testApp({ dataDir });
    try {
      await waitFor(async () => (await countOf(app, "SELECT count() AS n FROM events WHERE event_id = 'healthy-1'")) === 1);
      expect(existsSync(join(walDir, 'rejected', '00000000000000000001.ndjson'))).toBe(true);
      expect((await app.inject('/metrics')).body).toContain('footfall_batches_quarantined_total{table="events"} 1');
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE event_id = 'poison-1'")).toBe(0);
    } finally {
      await app.close();
    }
  });
});

describe('the service process', () => {
  const send = async (url: string, session: string, count: number) => {
    const bodies: string[] = [];
    for (let i = 0; i < count; i++) {
      const body = JSON.stringify({
        site: 'portfolio',
        events: [beaconEvent({ session }), beaconEvent({ session, type: 'object_click', object: 'guitar' })],
      });
      const response = await fetch(`${url}/v1/beacon`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA },
      });
      expect(response.status).toBe(202);
      bodies.push(body);
    }
    return bodies;
  };

  it('loses nothing it answered when killed with SIGKILL: the next start replays the log, and a retry is stored once', async () => {
    const dataDir = freshDataDir();
    // Batches are written only after a minute, so every answered event is still only in the log.
    const service = await startService({ DATA_DIR: dataDir, BATCH_INTERVAL_MS: '60000', BATCH_SIZE: '100000' });
    const bodies = await send(service.url, 'killed', 25);
    void service.process.kill();
    expect(await service.exited).toBe('SIGKILL');
    expect(readdirSync(join(dataDir, 'wal', 'events')).filter((name) => name.endsWith('.ndjson'))).toHaveLength(1);

    const app = await testApp({ dataDir });
    try {
      // Nothing is sent again before counting: the rows can only come from the log.
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'killed'")).toBe(50);
      expect(await countOf(app, "SELECT sum(events) AS n FROM events_per_minute WHERE type = 'object_click'")).toBe(25);
      expect(await metricValue(app, 'footfall_rows_written_total', { table: 'events' })).toBe(50);
      expect(readdirSync(join(dataDir, 'wal', 'events'))).toEqual([]);

      // The client never saw its answers arrive (say): it sends everything again.
      for (const body of bodies) expect((await postBeacon(app, body)).json()).toEqual({ accepted: 0, duplicates: 2, refused: [] });
      expect(await metricValue(app, 'footfall_events_duplicate_total', { source: 'beacon' })).toBe(50);
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'killed'")).toBe(50);
      expect(await countOf(app, "SELECT sum(events) AS n FROM events_per_minute WHERE type = 'object_click'")).toBe(25);
    } finally {
      await app.close();
    }
  });

  it('recognises a retry of what the log holds after SIGKILL even while ClickHouse is down at the restart', async () => {
    const dataDir = freshDataDir();
    const service = await startService({ DATA_DIR: dataDir, BATCH_INTERVAL_MS: '60000', BATCH_SIZE: '100000' });
    const bodies = await send(service.url, 'killed-outage', 5);
    void service.process.kill();
    expect(await service.exited).toBe('SIGKILL');

    // ClickHouse is away at the restart: the ids cannot be read back from it, only from the log.
    const { client, outage } = await switchableClickHouse(dataDir);
    outage.down = true;
    const app = await testApp({ dataDir }, { clickhouse: client });
    try {
      for (const body of bodies) expect((await postBeacon(app, body)).json()).toEqual({ accepted: 0, duplicates: 2, refused: [] });
      expect(await metricValue(app, 'footfall_events_duplicate_total', { source: 'beacon' })).toBe(10);
      outage.down = false;
      expect(await app.pipeline.flush(30_000)).toBe(true);
      expect(await countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'killed-outage'")).toBe(10);
    } finally {
      outage.down = false;
      await app.close();
    }
  });

  it('closes once and flushes when SIGTERM comes again while it closes (a launcher killed outright sends it twice)', async () => {
    const dataDir = freshDataDir();
    const service = await startService({ DATA_DIR: dataDir, BATCH_INTERVAL_MS: '60000', BATCH_SIZE: '100000' });
    await send(service.url, 'terminated-twice', 10);
    process.kill(service.process.pid, 'SIGTERM');
    await waitFor(async () => service.output().includes('"msg":"closing"'));
    // Before, the second signal made the service exit at once with 1, unflushed (or, pending at
    // the moment its listeners were swapped, killed it outright with its data folder's lock left).
    process.kill(service.process.pid, 'SIGTERM');
    expect(await service.exited).toBe(0);
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
    expect(readdirSync(join(dataDir, 'wal', 'events'))).toEqual([]);
    expect(await storedEventsOf(dataDir, 'terminated-twice')).toBe(20);
  });

  it('writes what it buffered to ClickHouse on SIGTERM before exiting', async () => {
    const dataDir = freshDataDir();
    const service = await startService({ DATA_DIR: dataDir, BATCH_INTERVAL_MS: '60000', BATCH_SIZE: '100000' });
    await send(service.url, 'terminated', 10);
    void service.process.stop();
    expect(await service.exited).toBe(0);
    expect(readdirSync(join(dataDir, 'wal', 'events'))).toEqual([]);

    expect(await storedEventsOf(dataDir, 'terminated')).toBe(20);
  });
});
