import { type Clock, systemClock } from '../clock.js';
import type { Database, DatabaseSession } from '../db/Database.js';
import { quoteIdent, quoteLiteral } from '../db/quoteIdent.js';
import { MigrationError, PgtelError, SchemaTooNewError } from '../errors.js';
import { loadMigrations, type Migration } from './migrationFiles.js';
import { maintainPartitions } from './PartitionManager.js';

/** Options of `migrate`. */
export interface MigrateOptions {
  /** List what would run without changing anything. Default: false. */
  dryRun?: boolean;
  /** Partitions to create ahead of the current month (default 2). */
  partitionsAhead?: number;
  /** Source of the current month for partitions. Default: the system clock. */
  clock?: Clock;
  /** Called before each migration runs (progress output). Default: none. */
  onMigration?: (migration: Migration) => void;
  /** The migrations to apply (default: pgtel's own `sql/migrations`). */
  migrations?: Migration[];
}

/** What `migrate` applied and the schema version after it. */
export interface MigrateResult {
  /** Migrations applied by this call (or that would be, on a dry run). */
  applied: Migration[];
  /** Schema version after the call. */
  version: number;
}

/** Key of the transaction-scoped advisory lock that serializes migrations of one schema. */
export function migrationLockSql(schema: string): string {
  return `SELECT pg_advisory_xact_lock(hashtext(${quoteLiteral(`pgtel:migrate:${schema}`)}))`;
}

async function appliedVersions(tx: DatabaseSession): Promise<number[]> {
  const exists = await tx.query<{ found: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS found`, [
    `${quoteIdent(tx.schema)}.schema_migrations`,
  ]);
  if (!exists.rows[0]?.found) return [];
  const result = await tx.query<{ version: number }>(
    `SELECT version FROM ${tx.table('schema_migrations')} ORDER BY version`,
  );
  return result.rows.map((r) => r.version);
}

function refuseNewer(applied: number[], known: Migration[], schema: string): void {
  const unknown = applied.filter((version) => !known.some((m) => m.version === version));
  if (unknown.length > 0) {
    const newest = known.at(-1)?.version ?? 0;
    throw new SchemaTooNewError(
      `The database schema "${schema}" has migration ${unknown.join(', ')} applied, newer than this pgtel knows (up to ${newest}). ` +
        'Upgrade pgtel to the version that migrated it; pgtel never downgrades a schema.',
    );
  }
}

/**
 * Applies pending migrations in one transaction under a transaction-scoped advisory lock (so many
 * processes may start at once and each migration runs exactly once; PgBouncer-safe), then creates
 * the time partitions ahead. All or nothing: an error leaves the database as it was.
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<MigrateResult> {
  const known = options.migrations ?? loadMigrations();
  if (options.dryRun) {
    const applied = await appliedVersions(db);
    refuseNewer(applied, known, db.schema);
    return { applied: known.filter((m) => !applied.includes(m.version)), version: applied.at(-1) ?? 0 };
  }
  const result = await db
    .transaction(async (tx) => {
      await tx.exec(migrationLockSql(db.schema));
      await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(db.schema)}`);
      await tx.exec(`CREATE TABLE IF NOT EXISTS ${tx.table('schema_migrations')} (
        version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`);
      const applied = await appliedVersions(tx);
      refuseNewer(applied, known, db.schema);
      const pending = known.filter((m) => !applied.includes(m.version));
      for (const migration of pending) {
        options.onMigration?.(migration);
        await tx.query(`SELECT set_config('search_path', $1, true)`, [`${quoteIdent(db.schema)}, public`]);
        await tx.exec(migration.sql).catch((error: unknown) => {
          throw new MigrationError(
            `Migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
            { cause: error },
          );
        });
        await tx.query(
          `INSERT INTO ${tx.table('schema_migrations')} (version, name, checksum) VALUES ($1, $2, $3)`,
          [migration.version, migration.name, migration.checksum],
        );
      }
      return { applied: pending, version: known.at(-1)?.version ?? 0 };
    })
    .catch((error: unknown) => {
      if (error instanceof PgtelError && error.code !== 'PGTEL_DATABASE') throw error;
      throw new MigrationError(
        `Migrating schema "${db.schema}" failed, nothing was changed: ${(error as Error).message}`,
        { cause: error },
      );
    });
  await maintainPartitions(db, { ahead: options.partitionsAhead, clock: options.clock ?? systemClock });
  return result;
}
