// `npm run simulate:cluster`, short: three ingest replicas (service processes, each with its own
// data folder, engine, write-ahead log and REPLICA_ID) behind the simulation's router, a few seconds
// of beacon load from the load generator, one replica killed with SIGKILL and restarted. Every
// replica's rows read into one store must hold each acknowledged event once, and the real overview
// query must count exactly them.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@footfall/stack';
import type { SimulationFigures } from '../../scripts/cluster-sim/simulation.js';

const run = promisify(execFile);

describe('cluster simulation', () => {
  it('stores every acknowledged event once across three replicas when one is killed mid-run, and the overview counts exactly those', async () => {
    let stdout: string;
    let exitCode = 0;
    try {
      ({ stdout } = await run(
        process.execPath,
        ['--import', 'tsx', join(repoRoot, 'scripts/simulate-cluster.ts'), '--seconds', '4', '--rate', '30', '--kill-at', '2', '--json'],
        { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
      ));
    } catch (error) {
      // Exit 1 says the verdict failed; the figures are still printed, and the assertions below say which.
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      if (failed.code !== 1 || !failed.stdout) throw new Error(`the simulation did not finish: ${failed.stderr ?? String(error)}`);
      ({ stdout } = failed as { stdout: string });
      exitCode = 1;
    }
    const figures = JSON.parse(stdout) as SimulationFigures;
    const { counts, merged, replicas, duplicates } = figures;

    // The client: every event sent was acknowledged in the end, none refused, nothing left unsettled.
    expect(counts.sentEvents).toBeGreaterThan(0);
    expect(counts.acknowledgedEvents).toBe(counts.sentEvents);
    expect(counts.refusedEvents).toBe(0);
    expect(figures.unsettled).toBe(0);

    // The kill happened mid-load: the victim came back, and while it was away its share went on to the next replica.
    expect(figures.downSeconds).toBeGreaterThan(0);
    expect(replicas[1]!.passedOn + replicas[1]!.cut).toBeGreaterThan(0);
    for (const [index, replica] of replicas.entries()) expect(replica.rows, `replica-${index}`).toBeGreaterThan(0);

    // Exactly once: the replicas' rows together are the acknowledged events, each once.
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
    expect(exitCode).toBe(0);
  }, 600_000);
});
