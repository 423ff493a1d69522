// Work that must run on one replica at a time (alert evaluation, the weekly digest, retention;
// docs/scaling.md "Work done once") asks a lease before each round. The single-process default
// (REPLICA_ID unset) has no one to share with: the process owns every lease. With REPLICA_ID the
// lease is a row in ClickHouse that every replica reads (table-lease.ts).
import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { TableLease } from './table-lease.js';

export interface Lease {
  /** Takes the lease when it is free or expired, renews it when it is this owner's: whether this owner holds it now. */
  hold(): Promise<boolean>;
  /** Gives the lease up when held, so the next replica takes it at its next round instead of after the expiry. */
  release(): Promise<void>;
  /** The generation held (it grows at every take and renewal), undefined when not held. */
  readonly generation: number | undefined;
  /**
   * The fence, checked right before an act of the task (a post, a write of its state): whether the
   * lease's newest generation is still this owner's. An owner paused past its expiry (a long
   * garbage collection, a frozen machine) finds here the newer generation the next owner took, and
   * leaves the act to it.
   */
  isCurrent(): Promise<boolean>;
}

/** An act refused by the fence: another owner holds a newer generation of the task's lease. */
export class FencedOff extends Error {
  constructor(task: string, generation: number | undefined) {
    super(`the ${task} lease's generation ${generation ?? '(none)'} is no longer the newest: its newer owner acts instead`);
    this.name = 'FencedOff';
  }
}

/** Throws FencedOff unless `lease` is still current: the fence before a post or a write. */
export async function fence(lease: Lease, task: string): Promise<void> {
  if (!(await lease.isCurrent())) throw new FencedOff(task, lease.generation);
}

/** A lease kept for longer than one round of a task that runs every minute: a round late by a minute keeps it. */
export const LEASE_TTL_MS = 150_000;

/** The process alone: it holds the lease always. */
export class SoleOwner implements Lease {
  readonly generation = 1;
  async hold(): Promise<boolean> {
    return true;
  }
  async release(): Promise<void> {}
  async isCurrent(): Promise<boolean> {
    return true;
  }
}

/**
 * The lease of `task` for this process: its own when `replicaId` is empty (the embedded default),
 * else shared through the `leases` table. Each process is a new owner (the replica id and a
 * random part): a replica restarted after a crash waits for its former lease to expire like any
 * other, rather than resuming a round its earlier life may have left half done.
 */
export function leaseFor(
  client: ClickHouseClient,
  task: string,
  options: { replicaId: string; now?: () => number; ttlMs?: number },
): Lease {
  if (options.replicaId === '') return new SoleOwner();
  return new TableLease(client, {
    task,
    owner: `${options.replicaId}/${randomUUID()}`,
    ttlMs: options.ttlMs ?? LEASE_TTL_MS,
    now: options.now ?? Date.now,
  });
}
