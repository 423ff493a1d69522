import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { clusterStatements, migrationsTableStatement } from './cluster-schema.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

interface AppliedMigration {
  version: string;
  checksum: string;
}

/** One numbered SQL file; the checksum is of the file as written, on one server and on a cluster alike. */
export interface Migration {
  file: string;
  sql: string;
  checksum: string;
}

export interface MigrateOptions {
  /** A ClickHouse cluster name: replicated tables ON CLUSTER under Distributed ones (cluster-schema.ts). */
  cluster?: string;
}

/** The numbered SQL files, in order. */
export function migrationFiles(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((name) => /^\d{4}_.+\.sql$/.test(name))
    .sort()
    .map((file) => {
      const sql = readFileSync(`${dir}/${file}`, 'utf8');
      return { file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** What carries out a migration: the file itself on one server, its translation on a cluster. */
export function statementsOf(migration: Migration, options: MigrateOptions = {}): string[] {
  return options.cluster === undefined ? [migration.sql] : clusterStatements(migration.sql, options.cluster);
}

/** Every statement a migration from nothing runs, in order: the migrations' record first. */
export function schemaStatements(options: MigrateOptions = {}, dir = MIGRATIONS_DIR): string[] {
  return [migrationsTableStatement(options.cluster), ...migrationFiles(dir).flatMap((migration) => statementsOf(migration, options))];
}

/**
 * Applies the numbered SQL files in order, each once. ClickHouse DDL is not transactional, so
 * every file holds one idempotent statement; a file edited after it was applied is refused, since
 * its change would never reach databases that already ran it.
 */
export async function migrate(client: ClickHouseClient, dir = MIGRATIONS_DIR, options: MigrateOptions = {}): Promise<string[]> {
  await client.command({ query: migrationsTableStatement(options.cluster) });
  const result = await client.query({ query: 'SELECT version, checksum FROM schema_migrations', format: 'JSONEachRow' });
  const applied = new Map((await result.json<AppliedMigration>()).map((row) => [row.version, row.checksum]));

  const newlyApplied: string[] = [];
  for (const migration of migrationFiles(dir)) {
    const { file, checksum } = migration;
    const known = applied.get(file);
    if (known === checksum) continue;
    if (known !== undefined) {
      throw new Error(`migration ${file} was edited after it was applied; add a new migration instead`);
    }
    // Translated before anything runs, so a file the cluster schema cannot translate changes nothing.
    const statements = statementsOf(migration, options);
    for (const query of statements) await client.command({ query });
    await client.insert({ table: 'schema_migrations', values: [{ version: file, checksum }], format: 'JSONEachRow' });
    newlyApplied.push(file);
  }
  return newlyApplied;
}
