import { type Clock, systemClock } from '../clock.js';
import type { Database, DatabaseSession } from '../db/Database.js';
import { quoteIdent, quoteLiteral } from '../db/quoteIdent.js';
import {
  isExpired,
  monthStart,
  monthsAhead,
  partitionMonth,
  partitionName,
  retentionCutoff,
} from './partitionMath.js';

/** Options of `maintainPartitions`. */
export interface PartitionOptions {
  /** Months to create after the current one (default 2). */
  ahead?: number | undefined;
  /** Retention overrides in days per table; otherwise each table's registered default. */
  retentionDays?: Record<string, number> | undefined;
  /** Source of the current month. Default: the system clock. */
  clock?: Clock | undefined;
}

/** What `maintainPartitions` created, dropped and moved. */
export interface PartitionReport {
  created: string[];
  dropped: string[];
  /** Rows moved out of default partitions into their month's new partition. */
  movedRows: number;
  /** Rows deleted from default partitions for being past retention. */
  expiredRows: number;
}

interface RegisteredTable {
  table_name: string;
  time_column: string;
  default_retention_days: number;
}

async function existingMonths(tx: DatabaseSession, table: string): Promise<Map<number, string>> {
  const result = await tx.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1)`,
    [tx.table(table)],
  );
  const months = new Map<number, string>();
  for (const { name } of result.rows) {
    const month = partitionMonth(table, name);
    if (month) months.set(month.getTime(), name);
  }
  return months;
}

/** Months that have rows waiting in the default partition (a backfill, a clock far ahead). */
async function monthsInDefault(tx: DatabaseSession, table: RegisteredTable, cutoff: Date): Promise<Date[]> {
  const result = await tx.query<{ month: Date }>(
    `SELECT DISTINCT date_trunc('month', ${quoteIdent(table.time_column)} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month
       FROM ${tx.table(`${table.table_name}_default`)} WHERE ${quoteIdent(table.time_column)} >= $1`,
    [cutoff],
  );
  return result.rows.map((r) => r.month);
}

async function createMonth(tx: DatabaseSession, table: RegisteredTable, month: Date): Promise<number> {
  const name = partitionName(table.table_name, month);
  const from = quoteLiteral(month.toISOString());
  const to = quoteLiteral(monthStart(month, 1).toISOString());
  const column = quoteIdent(table.time_column);
  await tx.exec(
    `CREATE TABLE ${tx.table(name)} (LIKE ${tx.table(table.table_name)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
  );
  const moved = await tx.query(
    `WITH moved AS (DELETE FROM ${tx.table(`${table.table_name}_default`)}
                    WHERE ${column} >= ${from} AND ${column} < ${to} RETURNING *)
     INSERT INTO ${tx.table(name)} SELECT * FROM moved`,
  );
  await tx.exec(
    `ALTER TABLE ${tx.table(table.table_name)} ATTACH PARTITION ${tx.table(name)} FOR VALUES FROM (${from}) TO (${to})`,
  );
  return moved.rowCount;
}

async function maintainTable(
  db: Database,
  table: RegisteredTable,
  now: number,
  ahead: number,
  retentionDays: number,
  report: PartitionReport,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `pgtel:partitions:${db.schema}.${table.table_name}`,
    ]);
    const cutoff = retentionCutoff(now, retentionDays);
    const existing = await existingMonths(tx, table.table_name);
    const wanted = [...monthsAhead(now, ahead), ...(await monthsInDefault(tx, table, cutoff))];
    for (const month of wanted) {
      if (existing.has(month.getTime()) || isExpired(month, cutoff)) continue;
      report.movedRows += await createMonth(tx, table, month);
      existing.set(month.getTime(), partitionName(table.table_name, month));
      report.created.push(partitionName(table.table_name, month));
    }
    for (const [time, name] of existing) {
      if (!isExpired(new Date(time), cutoff)) continue;
      await tx.exec(`DROP TABLE ${tx.table(name)}`);
      report.dropped.push(name);
    }
    const expired = await tx.query(
      `DELETE FROM ${tx.table(`${table.table_name}_default`)} WHERE ${quoteIdent(table.time_column)} < $1`,
      [cutoff],
    );
    report.expiredRows += expired.rowCount;
  });
}

/**
 * Creates the monthly partitions ahead of time, adopts rows that landed in a default partition into
 * their month's new partition, and drops months past retention. Safe from many processes at once
 * (a transaction-scoped advisory lock per table). Idempotent.
 */
export async function maintainPartitions(
  db: Database,
  options: PartitionOptions = {},
): Promise<PartitionReport> {
  const now = (options.clock ?? systemClock).now();
  const report: PartitionReport = { created: [], dropped: [], movedRows: 0, expiredRows: 0 };
  const tables = await db.query<RegisteredTable>(
    `SELECT table_name, time_column, default_retention_days FROM ${db.table('partitioned_tables')} ORDER BY table_name`,
  );
  for (const table of tables.rows) {
    const retention = options.retentionDays?.[table.table_name] ?? table.default_retention_days;
    await maintainTable(db, table, now, options.ahead ?? 2, retention, report);
  }
  return report;
}
