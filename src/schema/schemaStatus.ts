import type { Database } from '../db/Database.js';
import { appliedMigrations } from './appliedMigrations.js';
import { BUNDLED_MIGRATIONS } from './bundledMigrations.generated.js';
import { type ChecksumMismatch, migrationLabel, schemaCompatibility } from './schemaCompatibility.js';

/** The schema version of a database against the version this pgtel knows. */
export interface SchemaStatus {
  database: string;
  schema: string;
  /** Applied schema version (0 when never migrated). */
  version: number;
  /** Version this pgtel knows. */
  latest: number;
  pending: string[];
  /** Applied migrations newer than this pgtel (`NNNN_name`), and which of them are breaking. */
  newer: string[];
  breakingAhead: string[];
  /** Applied migrations whose SQL changed after they ran. */
  checksumMismatches: ChecksumMismatch[];
  tables: { name: string; estimatedRows: number; partitions: number }[];
}

/** Reads the schema version, how it stands against this pgtel's migrations, and per-table sizes, without changing anything. */
export async function schemaStatus(db: Database): Promise<SchemaStatus> {
  const compatibility = schemaCompatibility(await appliedMigrations(db), BUNDLED_MIGRATIONS);
  const tables = await db.query<{ name: string; estimated_rows: number; partitions: number }>(
    `SELECT c.relname AS name,
            greatest(c.reltuples, 0)::int8 + coalesce((SELECT sum(greatest(p.reltuples, 0)) FROM pg_inherits i
               JOIN pg_class p ON p.oid = i.inhrelid WHERE i.inhparent = c.oid), 0)::int8 AS estimated_rows,
            (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid)::int8 AS partitions
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
    [db.schema],
  );
  return {
    database: db.description,
    schema: db.schema,
    version: compatibility.schemaVersion,
    latest: compatibility.codeVersion,
    pending: compatibility.pending.map(migrationLabel),
    newer: compatibility.newer.map(migrationLabel),
    breakingAhead: compatibility.breakingAhead.map(migrationLabel),
    checksumMismatches: compatibility.checksumMismatches,
    tables: tables.rows.map((t) => ({
      name: t.name,
      estimatedRows: t.estimated_rows,
      partitions: t.partitions,
    })),
  };
}
