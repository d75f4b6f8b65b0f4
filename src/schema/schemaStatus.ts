import type { Database } from '../db/Database.js';
import { quoteIdent } from '../db/quoteIdent.js';
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
  /** Each table: rows summed over its partitions (exact for small ones, see `tableSizes`) and its partition count. */
  tables: { name: string; estimatedRows: number; partitions: number }[];
}

/** Leaves below this size are counted exactly: cheap, and right where statistics are missing or stale. */
const COUNTED_BYTES = 8 * 1024 * 1024;

/**
 * Each table of the schema with its rows summed over its leaf partitions (itself when not
 * partitioned). A small leaf is counted; a larger one gets the planner's estimate, its tuples per
 * page at the last ANALYZE times its pages now, and is counted when it was never analysed
 * (the embedded database has no autovacuum, so its statistics are often missing).
 */
async function tableSizes(db: Database): Promise<SchemaStatus['tables']> {
  const leaves = await db.query<{
    name: string;
    partitions: number;
    leaf_schema: string | null;
    leaf: string | null;
    estimate: number | null;
    bytes: number;
  }>(
    `SELECT c.relname AS name,
            (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid)::int8 AS partitions,
            ln.nspname AS leaf_schema, l.relname AS leaf,
            CASE WHEN l.reltuples >= 0 AND l.relpages > 0
                 THEN round(l.reltuples / l.relpages * (pg_relation_size(l.oid) / current_setting('block_size')::int8))
            END::int8 AS estimate,
            coalesce(pg_relation_size(l.oid), 0)::int8 AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN LATERAL (SELECT t.relid FROM pg_partition_tree(c.oid) t WHERE t.isleaf AND c.relkind = 'p'
                           UNION ALL SELECT c.oid WHERE c.relkind = 'r') t ON true
       LEFT JOIN pg_class l ON l.oid = t.relid
       LEFT JOIN pg_namespace ln ON ln.oid = l.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname, l.relname`,
    [db.schema],
  );
  const tables = new Map<string, { name: string; estimatedRows: number; partitions: number }>();
  for (const row of leaves.rows) {
    const table = tables.get(row.name) ?? {
      name: row.name,
      estimatedRows: 0,
      partitions: Number(row.partitions),
    };
    tables.set(row.name, table);
    if (row.leaf === null || row.leaf_schema === null) continue;
    const counted = row.estimate === null || Number(row.bytes) < COUNTED_BYTES;
    table.estimatedRows += counted
      ? Number(
          (
            await db.query<{ n: number }>(
              `SELECT count(*)::int8 AS n FROM ${quoteIdent(row.leaf_schema)}.${quoteIdent(row.leaf)}`,
            )
          ).rows[0]?.n ?? 0,
        )
      : Number(row.estimate);
  }
  return [...tables.values()];
}

/** Reads the schema version, how it stands against this pgtel's migrations, and per-table sizes, without changing anything. */
export async function schemaStatus(db: Database): Promise<SchemaStatus> {
  const compatibility = schemaCompatibility(await appliedMigrations(db), BUNDLED_MIGRATIONS);
  const tables = await tableSizes(db);
  return {
    database: db.description,
    schema: db.schema,
    version: compatibility.schemaVersion,
    latest: compatibility.codeVersion,
    pending: compatibility.pending.map(migrationLabel),
    newer: compatibility.newer.map(migrationLabel),
    breakingAhead: compatibility.breakingAhead.map(migrationLabel),
    checksumMismatches: compatibility.checksumMismatches,
    tables,
  };
}
