import type { Database } from '../db/Database.js';
import { quoteIdent } from '../db/quoteIdent.js';
import { loadMigrations } from './migrationFiles.js';

/** The schema version of a database against the version this pgtel knows. */
export interface SchemaStatus {
  database: string;
  schema: string;
  /** Applied schema version (0 when never migrated). */
  version: number;
  /** Version this pgtel knows. */
  latest: number;
  pending: string[];
  tables: { name: string; estimatedRows: number; partitions: number }[];
}

/** Reads the schema version and per-table sizes without changing anything. */
export async function schemaStatus(db: Database): Promise<SchemaStatus> {
  const known = loadMigrations();
  const found = await db.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
    `${quoteIdent(db.schema)}.schema_migrations`,
  ]);
  const applied = found.rows[0]?.found
    ? (await db.query<{ version: number }>(`SELECT version FROM ${db.table('schema_migrations')}`)).rows.map(
        (r) => r.version,
      )
    : [];
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
    version: Math.max(0, ...applied),
    latest: known.at(-1)?.version ?? 0,
    pending: known
      .filter((m) => !applied.includes(m.version))
      .map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`),
    tables: tables.rows.map((t) => ({
      name: t.name,
      estimatedRows: t.estimated_rows,
      partitions: t.partitions,
    })),
  };
}
