// Three ingest replicas (real service processes, each with its own data folder, embedded engine,
// write-ahead log and REPLICA_ID) behind one router, under beacon load from the load generator;
// one replica is killed with SIGKILL mid-run and restarted on the same data folder. The client
// retries what got no 2xx with the same body (the same event ids), as the tracker does. Afterwards
// every replica is stopped, its rows are read into one store, and the figures are reconciled.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, ingestUrl, startIngest, type ManagedProcess } from '@footfall/stack';
import { Delivery, type DeliveryCounts } from '../../load/src/delivery.js';
import { drain } from '../../load/src/drain.js';
import { runStep } from '../../load/src/drive.js';
import { LatencyRecorder } from '../../load/src/latency.js';
import { beaconPayload, RunIds } from '../../load/src/payloads.js';
import { SCENARIOS } from '../../load/src/scenarios.js';
import { mergeReplicas, type MergedFigures } from './merged-store.js';
import { startRouter, type ReplicaTraffic } from './router.js';
import { storeSharedSalt } from './shared-salt.js';

/** The load generator's everyday scenario gives the shape of the load: events per beacon, connections. */
const SCENARIO = SCENARIOS.average;
/** How long the client keeps retrying after the load. */
const DRAIN_MS = 120_000;

export interface SimulationOptions {
  replicas: number;
  /** Seconds of load. */
  seconds: number;
  /** Beacon requests a second, through the router. */
  rate: number;
  /** When the victim is killed, in seconds after the load began; it is restarted at once. */
  killAtS: number;
  /** Which replica is killed. */
  victim: number;
  /**
   * For this long before the kill, the router drops the victim's answers: the rows are in its log,
   * the client never hears so and retries elsewhere (docs/scaling.md's hard case). 0: none.
   */
  lostAnswersMs?: number;
  /**
   * How long the router holds a down replica's sessions (503 with Retry-After) before passing them
   * to the next replica; 0 passes them on at once, the balancer without the hold.
   */
  holdMs: number;
  log?: (line: string) => void;
  /** Keep the data folders and logs (their path is logged). */
  keep?: boolean;
}

export interface ReplicaFigures extends ReplicaTraffic {
  /** Rows and distinct ids in its engine after the run. */
  rows: number;
  distinct: number;
}

export interface SimulationFigures {
  eventsPerRequest: number;
  counts: DeliveryCounts;
  /** Requests never acknowledged after the client's retries. */
  unsettled: number;
  /** Seconds from the SIGKILL until the restarted victim answered again. */
  downSeconds: number;
  replicas: Omit<ReplicaFigures, 'cutIds'>[];
  merged: Omit<MergedFigures, 'perReplica' | 'acrossReplicas'>;
  /** Ids stored by two replicas, and how many of them the victim's cut attempts explain. */
  duplicates: { ids: string[]; fromCutAttempts: number };
}

export async function simulateCluster(options: SimulationOptions): Promise<SimulationFigures> {
  const log = options.log ?? (() => {});
  const scenario = SCENARIO;
  const workDir = mkdtempSync(join(tmpdir(), 'footfall-cluster-'));
  const taken: number[] = [];
  const ports: number[] = [];
  for (let index = 0; index < options.replicas; index += 1) {
    const port = await freePort(taken);
    taken.push(port);
    ports.push(port);
  }
  const dataDirs = ports.map((_, index) => join(workDir, `replica-${index}`));
  for (const dir of dataDirs) mkdirSync(dir);
  const start = (index: number) =>
    startIngest({
      port: ports[index]!,
      dataDir: dataDirs[index]!,
      logFile: join(workDir, `replica-${index}.log`),
      env: {
        REPLICA_ID: `replica-${index}`,
        // Every request reaches a replica from the router's address: a per-address limit would refuse the load.
        RATE_LIMIT_PER_MINUTE: '0',
        ALERTS_ENABLED: 'false',
        LOG_LEVEL: 'warn',
      },
    });
  const processes: (ManagedProcess | undefined)[] = [];
  let router: Awaited<ReturnType<typeof startRouter>> | undefined;
  try {
    await storeSharedSalt(dataDirs);
    // One after another: on two cores, engines loading side by side each take longer than the service waits for its plugins.
    for (const index of ports.keys()) processes.push(await start(index));
    router = await startRouter(ports.map(ingestUrl), { holdMs: options.holdMs });
    log(`${options.replicas} replicas ready on ports ${ports.join(', ')}; router at ${router.url}; data in ${workDir}`);

    const ids = new RunIds();
    const delivery = new Delivery('beacon', () => beaconPayload(ids, scenario.eventsPerRequest));
    let downSeconds = Number.NaN;
    const crash = (async () => {
      const lostMs = Math.min(options.lostAnswersMs ?? 0, options.killAtS * 1000);
      await sleep(options.killAtS * 1000 - lostMs);
      if (lostMs > 0) router!.loseAnswersOf(options.victim);
      await sleep(lostMs);
      const killedAt = Date.now();
      await processes[options.victim]!.kill();
      router!.loseAnswersOf(false);
      log(`replica-${options.victim} killed with SIGKILL after ${options.killAtS} s of load; restarting it on its data folder`);
      processes[options.victim] = await start(options.victim);
      downSeconds = (Date.now() - killedAt) / 1000;
      log(`replica-${options.victim} answers again after ${downSeconds.toFixed(1)} s`);
    })();
    await runStep(
      router.url,
      delivery,
      {
        requests: options.rate * options.seconds,
        rate: options.rate,
        connections: scenario.shape.kind === 'stages' ? scenario.shape.maxConnections : 1,
      },
      [new LatencyRecorder()],
    );
    await crash;
    await drain(router.url, delivery, DRAIN_MS);
    // A graceful stop writes what each replica holds in its log to its engine.
    await Promise.all(processes.map((process) => process?.stop()));
    processes.length = 0;
    const merged = await mergeReplicas(dataDirs, workDir);
    const cutIds = router.traffic[options.victim]!.cutIds;
    const { perReplica, acrossReplicas, ...totals } = merged;
    return {
      eventsPerRequest: scenario.eventsPerRequest,
      counts: { ...delivery.counts },
      unsettled: delivery.unsettled,
      downSeconds,
      replicas: router.traffic.map(({ cutIds: _ids, ...traffic }, index) => ({ ...traffic, ...perReplica[index]! })),
      merged: totals,
      duplicates: { ids: acrossReplicas, fromCutAttempts: acrossReplicas.filter((id) => cutIds.has(id)).length },
    };
  } finally {
    await router?.close();
    await Promise.all(processes.map((process) => process?.kill()));
    if (options.keep) log(`data folders and logs kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}
