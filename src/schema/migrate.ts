import { type Clock, systemClock } from '../clock.js';
import type { Database, DatabaseSession } from '../db/Database.js';
import { quoteIdent, quoteLiteral } from '../db/quoteIdent.js';
import { MigrationError, PgtelError, SchemaTooNewError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { appliedMigrations } from './appliedMigrations.js';
import { BUNDLED_MIGRATIONS } from './bundledMigrations.generated.js';
import type { Migration } from './Migration.js';
import { maintainPartitions } from './PartitionManager.js';
import { ensureReaderRole } from './readerRole.js';
import {
  type ChecksumMismatch,
  describeChecksumMismatch,
  migrationLabel,
  type SchemaCompatibility,
  schemaCompatibility,
} from './schemaCompatibility.js';

/** Options of `migrate`. */
export interface MigrateOptions {
  /** List what would run without changing anything. Default: false. */
  dryRun?: boolean;
  /** Partitions to create ahead of the current month (default 2; configuration option `partitionsAhead`). */
  partitionsAhead?: number;
  /** Retention overrides in days per table (configuration option `retentionDays`). Default: each table's own. */
  retentionDays?: Record<string, number>;
  /** Source of the current month for partitions. Default: the system clock. */
  clock?: Clock;
  /** Called before each migration runs (progress output). Default: none. */
  onMigration?: (migration: Migration) => void;
  /** The migrations to apply. Default: pgtel's own, shipped in the code (`sql/migrations` at build time). */
  migrations?: readonly Migration[];
  /** Told about a newer (additive) schema and changed checksums. Default: a logger at level info on stderr. */
  logger?: Logger;
}

/** What `migrate` applied and the schema version after it. */
export interface MigrateResult {
  /** Migrations applied by this call (or that would be, on a dry run). */
  applied: Migration[];
  /** Schema version after the call: the newest migration applied to the database. */
  version: number;
  /** Applied migrations newer than this pgtel, all additive (a breaking one is refused). */
  newer: number[];
  /** Applied migrations whose SQL changed after they ran (reported, not refused). */
  checksumMismatches: ChecksumMismatch[];
  /** Applied migrations whose recorded name was brought in line with the code (a renamed file). */
  renamed: { version: number; from: string; to: string }[];
}

/** Key of the transaction-scoped advisory lock that serializes migrations of one schema. */
export function migrationLockSql(schema: string): string {
  return `SELECT pg_advisory_xact_lock(hashtext(${quoteLiteral(`pgtel:migrate:${schema}`)}))`;
}

/** Refuses a schema with a breaking migration this pgtel does not know; reports the rest. */
function check(compatibility: SchemaCompatibility, schema: string, logger: Logger): void {
  const { breakingAhead, newer, schemaVersion, codeVersion } = compatibility;
  if (breakingAhead.length > 0) {
    const versions = breakingAhead.map((m) => m.version);
    throw new SchemaTooNewError(
      `The database schema "${schema}" is at version ${schemaVersion}, newer than this pgtel knows (up to ${codeVersion}), ` +
        `and migration ${versions.join(', ')} is breaking. Upgrade pgtel to the version that migrated it; pgtel never downgrades a schema.`,
      { schemaVersion, codeVersion, breakingVersions: versions },
    );
  }
  if (newer.length > 0) {
    logger.info(
      `schema "${schema}" is newer than this pgtel (version ${schemaVersion}, this pgtel knows up to ${codeVersion}); ` +
        `its extra migrations are additive, so this pgtel runs against it`,
      { newer: newer.map(migrationLabel) },
    );
  }
  for (const mismatch of compatibility.checksumMismatches) logger.warn(describeChecksumMismatch(mismatch));
}

async function createTrackingTable(tx: DatabaseSession): Promise<void> {
  await tx.exec(`CREATE TABLE IF NOT EXISTS ${tx.table('schema_migrations')} (
    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(), breaking boolean NOT NULL DEFAULT false)`);
  // Tracking tables from before the breaking column: added once, not altered on every start.
  const column = await tx.query(
    `SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'breaking' AND NOT attisdropped`,
    [tx.table('schema_migrations')],
  );
  if (column.rowCount === 0) {
    await tx.exec(
      `ALTER TABLE ${tx.table('schema_migrations')} ADD COLUMN IF NOT EXISTS breaking boolean NOT NULL DEFAULT false`,
    );
  }
}

function resultOf(compatibility: SchemaCompatibility, applied: Migration[]): MigrateResult {
  return {
    applied,
    version: Math.max(compatibility.schemaVersion, ...applied.map((m) => m.version)),
    newer: compatibility.newer.map((m) => m.version),
    checksumMismatches: compatibility.checksumMismatches,
    renamed: compatibility.renamed,
  };
}

/**
 * Applies pending migrations in one transaction under a transaction-scoped advisory lock (so many
 * processes may start at once and each migration runs exactly once; PgBouncer-safe), then creates
 * the time partitions ahead and drops those past retention. All or nothing: an error leaves the
 * database as it was. Applied migrations are identified by version: a renamed file only updates the
 * recorded name; a changed checksum is reported (logger and result). A schema newer than this pgtel
 * is used as it is when its extra migrations are all additive, and refused (`SchemaTooNewError`)
 * when one is breaking. Then sets up the role user SQL runs as (`pgtel_reader`, see `readerRoleSql`)
 * where the connecting role may create it.
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<MigrateResult> {
  const known = options.migrations ?? BUNDLED_MIGRATIONS;
  const logger = options.logger ?? createLogger('info');
  if (options.dryRun) {
    const compatibility = schemaCompatibility(await appliedMigrations(db), known);
    check(compatibility, db.schema, logger);
    return resultOf(compatibility, compatibility.pending);
  }
  const result = await db
    .transaction(async (tx) => {
      await tx.exec(migrationLockSql(db.schema));
      await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(db.schema)}`);
      await createTrackingTable(tx);
      const compatibility = schemaCompatibility(await appliedMigrations(tx), known);
      check(compatibility, db.schema, logger);
      for (const { version, to } of compatibility.renamed) {
        await tx.query(`UPDATE ${tx.table('schema_migrations')} SET name = $2 WHERE version = $1`, [
          version,
          to,
        ]);
      }
      for (const migration of compatibility.pending) {
        options.onMigration?.(migration);
        await tx.query(`SELECT set_config('search_path', $1, true)`, [`${quoteIdent(db.schema)}, public`]);
        await tx.exec(migration.sql).catch((error: unknown) => {
          throw new MigrationError(
            `Migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
            { cause: error },
          );
        });
        await tx.query(
          `INSERT INTO ${tx.table('schema_migrations')} (version, name, checksum, breaking) VALUES ($1, $2, $3, $4)`,
          [migration.version, migration.name, migration.checksum, migration.breaking === true],
        );
      }
      await ensureReaderRole(tx);
      return resultOf(compatibility, compatibility.pending);
    })
    .catch((error: unknown) => {
      if (error instanceof PgtelError && error.code !== 'PGTEL_DATABASE') throw error;
      throw new MigrationError(
        `Migrating schema "${db.schema}" failed, nothing was changed: ${(error as Error).message}`,
        { cause: error },
      );
    });
  await maintainPartitions(db, {
    ahead: options.partitionsAhead,
    retentionDays: options.retentionDays,
    clock: options.clock ?? systemClock,
  });
  return result;
}
