// An erasure is never undone by rows that were accepted before it and were still on their way to
// ClickHouse: while the write-ahead log holds such rows, erasure is refused (503, Retry-After) and
// erases nothing; once they are written it erases them too, and nothing lands after it.
import type { ClickHouseClient } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { createClickHouse } from '../src/clickhouse/client.js';
import { beaconEvent, countOf, freshDataDir, postBeacon, testApp } from './support/test-app.js';

const TOKEN = 'erasure-token-2';

/**
 * A test double for what is outside our control: the real embedded ClickHouse, whose inserts fail
 * while `refusing` is set (as a server refuses them with too many parts, or while it restarts)
 * and whose reads and deletes go through, so an erasure can run while a batch is held back.
 */
async function insertRefusingClickHouse(dataDir: string): Promise<{ client: ClickHouseClient; state: { refusing: boolean } }> {
  const real = await createClickHouse({ url: undefined, dataDir });
  const state = { refusing: false };
  const isInsert = (property: string | symbol, args: unknown[]) =>
    property === 'insert' || (property === 'command' && /^\s*INSERT/i.test(String((args[0] as { query?: string })?.query ?? '')));
  const client = new Proxy(real, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'close') return value;
      return (...args: unknown[]) => {
        if (state.refusing && isInsert(property, args)) {
          return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }));
        }
        return value.apply(target, args);
      };
    },
  });
  return { client, state };
}

describe('an erasure while rows of the person are still in the write-ahead log', () => {
  it('is refused with 503 and Retry-After, erases nothing, and once the rows are written erases them for good', async () => {
    const dataDir = freshDataDir();
    const { client, state } = await insertRefusingClickHouse(dataDir);
    const app = await testApp({ dataDir, statsToken: TOKEN }, { clickhouse: client });
    const erase = () => app.inject({ method: 'DELETE', url: '/api/sessions/in-flight', headers: { authorization: `Bearer ${TOKEN}` } });
    const stored = () => countOf(app, "SELECT count() AS n FROM events WHERE session_id = 'in-flight'");
    try {
      expect((await postBeacon(app, { events: [beaconEvent({ session: 'in-flight' })] })).statusCode).toBe(202);
      expect(await stored()).toBe(1);
      // A second event of the visit is accepted while ClickHouse takes no inserts: it waits in the log.
      state.refusing = true;
      expect((await postBeacon(app, { events: [beaconEvent({ session: 'in-flight', path: '/about' })] })).statusCode).toBe(202);

      const refused = await erase();
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('30');
      expect(refused.json()).toMatchObject({ code: 'FOOTFALL_ERASURE_NOT_FLUSHED' });
      // Nothing was erased: the owner is told to retry, not told it is done.
      state.refusing = false;
      expect(await app.pipeline.flush(30_000)).toBe(true);
      expect(await stored()).toBe(2);

      const erased = await erase();
      expect(erased.statusCode).toBe(200);
      expect(erased.json().deleted.events).toBe(2);
      // Nothing that was accepted before the erasure lands after it.
      expect(await app.pipeline.flush(30_000)).toBe(true);
      expect(await stored()).toBe(0);
    } finally {
      state.refusing = false;
      await app.close();
    }
  }, 60_000);
});
