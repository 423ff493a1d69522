// `npm run simulate:cluster`, short: three ingest replicas (service processes, each with its own
// data folder, engine, write-ahead log and REPLICA_ID) behind the simulation's router, a few seconds
// of beacon load from the load generator, one replica killed with SIGKILL and restarted. Every
// replica's rows read into one store must hold each acknowledged event once, and the real overview
// query must count exactly them. Then the hard case: the victim's answers lost for 500 ms before it
// dies, so its log holds rows whose client retries; the router holds those sessions (503 with
// Retry-After) until the victim is back, instead of passing them to a replica that would store them
// again (without the hold, the same run stored 20 events twice).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@footfall/stack';
import type { SimulationFigures } from '../../scripts/cluster-sim/simulation.js';

const run = promisify(execFile);

/** Runs the simulation for 4 s at 30 beacons/s, the kill at 2 s; its figures and exit code (1: not exactly once). */
async function simulate(...extra: string[]): Promise<{ figures: SimulationFigures; exitCode: number }> {
  let stdout: string;
  let exitCode = 0;
  try {
    ({ stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'scripts/simulate-cluster.ts'),
        '--seconds',
        '4',
        '--rate',
        '30',
        '--kill-at',
        '2',
        '--json',
        ...extra,
      ],
      { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
    ));
  } catch (error) {
    // Exit 1 says the verdict failed; the figures are still printed, and the assertions say which.
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (failed.code !== 1 || !failed.stdout) throw new Error(`the simulation did not finish: ${failed.stderr ?? String(error)}`);
    ({ stdout } = failed as { stdout: string });
    exitCode = 1;
  }
  return { figures: JSON.parse(stdout) as SimulationFigures, exitCode };
}

/** Every acknowledged event stored once across the replicas, none twice, and the overview counting exactly those. */
function expectExactlyOnce(figures: SimulationFigures): void {
  const { counts, merged, replicas, duplicates } = figures;
  expect(duplicates.ids).toEqual([]);
  expect(replicas.map((replica) => replica.rows - replica.distinct)).toEqual([0, 0, 0]);
  expect(replicas.reduce((sum, replica) => sum + replica.rows, 0)).toBe(merged.rows);
  expect(merged.distinct).toBe(counts.acknowledgedEvents);
  expect(merged.rows).toBe(counts.acknowledgedEvents);
  // The overview (readStats) over the merged store: exact figures, one visitor (one shared salt).
  expect(merged.overview.total_events).toBe(counts.acknowledgedEvents);
  expect(merged.overview.page_views).toBe(counts.sentEvents / figures.eventsPerRequest);
  expect(merged.overview).toMatchObject(merged.counted);
  expect(merged.counted.visitors).toBe(1);
}

describe('cluster simulation', () => {
  it('stores every acknowledged event once across three replicas when one is killed mid-run, and the overview counts exactly those', async () => {
    const { figures, exitCode } = await simulate();
    const { counts, replicas } = figures;

    // The client: every event sent was acknowledged in the end, none refused, nothing left unsettled.
    expect(counts.sentEvents).toBeGreaterThan(0);
    expect(counts.acknowledgedEvents).toBe(counts.sentEvents);
    expect(counts.refusedEvents).toBe(0);
    expect(figures.unsettled).toBe(0);

    // The kill happened mid-load: the victim came back, and while it was away its sessions were held for it.
    expect(figures.downSeconds).toBeGreaterThan(0);
    expect(replicas[1]!.held + replicas[1]!.cut).toBeGreaterThan(0);
    expect(replicas.map((replica) => replica.passedOn)).toEqual([0, 0, 0]);
    for (const [index, replica] of replicas.entries()) expect(replica.rows, `replica-${index}`).toBeGreaterThan(0);

    expectExactlyOnce(figures);
    expect(exitCode).toBe(0);
  }, 600_000);

  it('stores them once when the victim took rows whose answers were lost: their retries wait for it, and it recognises them', async () => {
    const { figures, exitCode } = await simulate('--lost-answers-ms', '500');
    const { counts, replicas } = figures;
    expect(counts.sentEvents).toBeGreaterThan(0);
    expect(counts.acknowledgedEvents).toBe(counts.sentEvents);
    expect(figures.unsettled).toBe(0);

    // The hard case happened: requests to the victim got no answer, and their retries were held, none passed on.
    expect(replicas[1]!.cut).toBeGreaterThan(0);
    expect(replicas[1]!.held).toBeGreaterThan(0);
    expect(replicas.map((replica) => replica.passedOn)).toEqual([0, 0, 0]);
    // The victim, back, answered the retries of rows it held as duplicates (docs/scaling.md, rule 2).
    expect(counts.duplicateEvents).toBeGreaterThan(0);

    expectExactlyOnce(figures);
    expect(exitCode).toBe(0);
  }, 600_000);
});
