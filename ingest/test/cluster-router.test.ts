// The simulation's router (scripts/cluster-sim/router.ts) in front of two real ingest services (one
// a child process, killed with SIGKILL; one in this process: chdb opens one data folder a process):
// a beacon goes to the replica its session hashes to; while that replica is down, the session's
// beacons are held (503 with Retry-After), not passed to the other replica, where a retry of rows
// the dead one may hold in its log would be stored a second time; once the hold has run out, they
// go on to the next replica. The cluster simulation test runs the same router under load with a kill.
//
// Test double: the router's clock is injected, so the hold runs out at once.
import { freePort, ingestUrl, type ManagedProcess, startIngest } from '@footfall/stack';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOLD_RETRY_AFTER_S, replicaOf, type Router, startRouter } from '../../scripts/cluster-sim/router.js';
import { BROWSER_UA, beaconEvent, freshDataDir, testApp } from './support/test-app.js';

const HOLD_MS = 60_000;

/** A session that the router sends to replica `index` of two. */
function sessionOf(index: number): string {
  for (let n = 0; ; n++) if (replicaOf(`session-${n}`, 2) === index) return `session-${n}`;
}

describe('the cluster router', () => {
  let killed: ManagedProcess | undefined;
  let live: FastifyInstance | undefined;
  let router: Router;
  let clock = Date.UTC(2026, 10, 2, 12);

  const send = (session: string) =>
    fetch(`${router.url}/v1/beacon`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'user-agent': BROWSER_UA },
      body: JSON.stringify({ site: 'portfolio', events: [beaconEvent({ session })] }),
    });

  beforeAll(async () => {
    const port = await freePort([]);
    killed = await startIngest({ port, dataDir: freshDataDir(), env: { RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn' } });
    live = await testApp();
    const liveUrl = await live.listen({ port: 0, host: '127.0.0.1' });
    router = await startRouter([ingestUrl(port), liveUrl], { holdMs: HOLD_MS, now: () => clock });
  });

  afterAll(async () => {
    await router?.close();
    await killed?.kill();
    await live?.close();
  });

  it('sends a session to its replica, holds it while that replica is down, and passes it on once the hold has run out', async () => {
    const first = sessionOf(0);
    const second = sessionOf(1);
    expect((await send(first)).status).toBe(202);
    expect(router.traffic[0]!.answered).toEqual({ 202: 1 });

    await killed!.kill();
    const held = await send(first);
    expect(held.status).toBe(503);
    expect(held.headers.get('retry-after')).toBe(String(HOLD_RETRY_AFTER_S));
    expect(((await held.json()) as { message: string }).message).toMatch(/replica-0, this session's, is down/);
    expect(router.traffic[0]).toMatchObject({ held: 1, passedOn: 0 });
    expect(router.traffic[1]!.answered).toEqual({});
    // The other replica's sessions are not held.
    expect((await send(second)).status).toBe(202);

    // Still held a moment before the hold runs out; past it, the session goes on to the next replica.
    clock += HOLD_MS - 1;
    expect((await send(first)).status).toBe(503);
    clock += 1;
    expect((await send(first)).status).toBe(202);
    expect(router.traffic[0]).toMatchObject({ held: 2, passedOn: 1 });
    expect(router.traffic[1]!.answered).toEqual({ 202: 2 });
  });
});
