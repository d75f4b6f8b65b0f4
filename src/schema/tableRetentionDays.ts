import type { DatabaseSession } from '../db/Database.js';
import { NotFoundError } from '../errors.js';

/**
 * How many days a time-partitioned table keeps its rows: the override for it (configuration option
 * `retentionDays`), else its default registered in `partitioned_tables`, the same rule the partition
 * manager applies when it drops old months.
 *
 * @throws NotFoundError when the table is not a registered time-partitioned table
 */
export async function tableRetentionDays(
  db: DatabaseSession,
  table: string,
  overrides: Record<string, number> = {},
): Promise<number> {
  const override = overrides[table];
  if (override !== undefined) return override;
  const { rows } = await db.query<{ days: number }>(
    `SELECT default_retention_days AS days FROM ${db.table('partitioned_tables')} WHERE table_name = $1`,
    [table],
  );
  if (rows[0] === undefined) {
    throw new NotFoundError(`${table} is not a time-partitioned table of pgtel`);
  }
  return rows[0].days;
}
