import type { DatabaseSession } from '../db/Database.js';
import { quoteIdent } from '../db/quoteIdent.js';
import type { AppliedMigration } from './schemaCompatibility.js';

/**
 * SELECT of the rows of `schema_migrations` (`table`, qualified), in version order. Through
 * to_jsonb, a tracking table created before the `breaking` column existed reads as additive.
 */
export function appliedMigrationsSql(table: string): string {
  return `SELECT version, name, checksum, coalesce((to_jsonb(m) ->> 'breaking')::boolean, false) AS breaking
            FROM ${table} m ORDER BY version`;
}

/** The applied migrations of the session's schema, in version order; none when it was never migrated. */
export async function appliedMigrations(db: DatabaseSession): Promise<AppliedMigration[]> {
  const exists = await db.query<{ found: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS found`, [
    `${quoteIdent(db.schema)}.schema_migrations`,
  ]);
  if (!exists.rows[0]?.found) return [];
  return (await db.query<AppliedMigration>(appliedMigrationsSql(db.table('schema_migrations')))).rows;
}
