import type { Database } from '../db/Database.js';
import { quoteIdent } from '../db/quoteIdent.js';
import { READER_FUNCTION, readerRoleReady } from './readerRole.js';

/** Options of `runAsReader`. */
export interface ReaderQueryOptions {
  /** Rows returned at most. */
  rowLimit: number;
  /** The value of `$1` in the query (SQL rules: the evaluation time). */
  at: Date;
  /** Server-side statement timeout in milliseconds. */
  statementTimeoutMs: number;
}

/** The query without trailing semicolons and blanks (pure); empty when nothing is left. */
export function userQueryBody(sql: string): string {
  return sql.replace(/[\s;]+$/, '').trim();
}

/**
 * The user's query as a sub-select returning one json row per result row (pure), for when the reader
 * role is not set up. The bound parameters make the driver use the extended protocol, which runs
 * exactly one statement; the newline keeps a trailing `-- comment` from swallowing the parenthesis.
 */
export function wrappedUserQuery(body: string): string {
  return `SELECT to_json(r) AS row FROM (\n${body}\n) AS r WHERE $1::timestamptz IS NOT NULL LIMIT $2::int8`;
}

/** Carries the rows out of the transaction, which is thereby rolled back. */
class RolledBack {
  constructor(readonly rows: Record<string, unknown>[]) {}
}

/**
 * Runs one user-written query as the reader role (see `readerRoleSql`): in a READ ONLY transaction
 * with a statement timeout, with pgtel's schema first on the search path, and always rolled back, so
 * not even a `set_config` or a large object outlives it. Rows come back as json objects, columns in
 * query order. Without the reader role (a connecting role that may not create it) the query runs as
 * the connecting role under the same transaction rules.
 */
export async function runAsReader(
  db: Database,
  sql: string,
  options: ReaderQueryOptions,
): Promise<Record<string, unknown>[]> {
  const body = userQueryBody(sql);
  try {
    await db.transaction(
      async (tx) => {
        const params = [options.at, options.rowLimit];
        const result = (await readerRoleReady(tx))
          ? await tx.query<{ row: Record<string, unknown> }>(
              `SELECT ${tx.table(READER_FUNCTION)}($3, $2, $1) AS row`,
              [...params, body],
            )
          : await tx
              .query('SELECT set_config($1, $2, true)', ['search_path', `${quoteIdent(db.schema)}, public`])
              .then(() => tx.query<{ row: Record<string, unknown> }>(wrappedUserQuery(body), params));
        throw new RolledBack(result.rows.map((r) => r.row));
      },
      { readOnly: true, statementTimeoutMs: options.statementTimeoutMs },
    );
  } catch (outcome) {
    if (outcome instanceof RolledBack) return outcome.rows;
    throw outcome;
  }
  throw new Error('unreachable: the reader transaction always rolls back');
}
