/**
 * API keys and shared links, kept in ClickHouse (`api_keys`, migration 0028) as hashes of their
 * secrets, and in memory: the service is the only writer, so the map it loads at start and
 * changes with every create and revoke is the truth, and a revoked key is refused from the next
 * request on.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { rows } from '../stats/run-query.js';
import { hashOf, newKeyId, newSecret } from './secret.js';

const TABLE = 'api_keys';

export const KEY_SCOPES = ['read', 'admin'] as const;
export const KEY_KINDS = ['key', 'share'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];
/** `key` for scripts; `share` for a read-only link of one site, its secret in the URL's fragment. */
export type KeyKind = (typeof KEY_KINDS)[number];

/** A key as listed: never its secret, nor its hash. */
export interface ApiKey {
  id: string;
  scope: KeyScope;
  /** The one site it may read, or null for every site. */
  site: string | null;
  kind: KeyKind;
  /** ISO 8601, UTC. */
  created: string;
  /** ISO 8601, UTC, of its last accepted request since the service started; null when none. */
  last_used: string | null;
}

export interface NewKey {
  scope: KeyScope;
  site: string | null;
  kind: KeyKind;
}

interface StoredKey {
  id: string;
  hash: string;
  scope: KeyScope;
  site: string;
  kind: KeyKind;
  created: string;
}

export class ApiKeys {
  /** Every live key by the hash of its secret. */
  readonly #byHash = new Map<string, ApiKey>();
  readonly #hashById = new Map<string, string>();
  /** What to end when a key is revoked (its requests still open: live streams), by key id. */
  readonly #onRevoke = new Map<string, Set<() => void>>();
  #loaded: Promise<void> | undefined;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the stored keys once; a failed read is tried again at the next use. */
  load(): Promise<void> {
    this.#loaded ??= this.#read().catch((error: unknown) => {
      this.#loaded = undefined;
      throw error;
    });
    return this.#loaded;
  }

  /** The key whose secret this is, marked as used now; undefined for an unknown or revoked secret. */
  async find(secret: string): Promise<ApiKey | undefined> {
    await this.load();
    const key = this.#byHash.get(hashOf(secret));
    if (key) key.last_used = new Date(this.now()).toISOString();
    return key;
  }

  /** Stores a new key and answers it with its secret, which is kept nowhere. */
  async create(wanted: NewKey): Promise<ApiKey & { secret: string }> {
    await this.load();
    const secret = newSecret();
    const stored: StoredKey = {
      id: newKeyId(),
      hash: hashOf(secret),
      scope: wanted.scope,
      site: wanted.site ?? '',
      kind: wanted.kind,
      created: new Date(this.now()).toISOString(),
    };
    await this.client.insert({
      table: TABLE,
      values: [{ ...stored, created: stored.created.replace('T', ' ').replace('Z', '') }],
      format: 'JSONEachRow',
    });
    const key = this.#remember(stored);
    return { ...key, secret };
  }

  async list(): Promise<ApiKey[]> {
    await this.load();
    return [...this.#byHash.values()]
      .map((key) => ({ ...key }))
      .sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
  }

  /**
   * Deletes a key; false when no key has this id. The row goes first, then the key in memory,
   * both before the answer: a failed delete leaves the key working and the revoke to be retried.
   */
  async revoke(id: string): Promise<boolean> {
    await this.load();
    const hash = this.#hashById.get(id);
    if (hash === undefined) return false;
    await this.client.command({
      query: `DELETE FROM ${TABLE} WHERE id = {id:String} SETTINGS mutations_sync = 2`,
      query_params: { id },
    });
    this.#byHash.delete(hash);
    this.#hashById.delete(id);
    for (const end of this.#onRevoke.get(id) ?? []) end();
    this.#onRevoke.delete(id);
    return true;
  }

  /** Calls `end` if the key is revoked before the returned function is called. */
  whileLive(id: string, end: () => void): () => void {
    const ends = this.#onRevoke.get(id) ?? new Set();
    this.#onRevoke.set(id, ends.add(end));
    return () => {
      ends.delete(end);
      if (ends.size === 0 && this.#onRevoke.get(id) === ends) this.#onRevoke.delete(id);
    };
  }

  async #read(): Promise<void> {
    const stored = await rows<StoredKey>(this.client, `SELECT id, hash, scope, site, kind, toString(created) AS created FROM ${TABLE}`, {});
    // ClickHouse's text is `2026-05-04 10:20:30.123` in UTC.
    for (const row of stored) this.#remember({ ...row, created: `${row.created.replace(' ', 'T')}Z` });
  }

  #remember(stored: StoredKey): ApiKey {
    const key: ApiKey = {
      id: stored.id,
      scope: stored.scope,
      site: stored.site === '' ? null : stored.site,
      kind: stored.kind,
      created: stored.created,
      last_used: null,
    };
    this.#byHash.set(stored.hash, key);
    this.#hashById.set(stored.id, stored.hash);
    return key;
  }
}
