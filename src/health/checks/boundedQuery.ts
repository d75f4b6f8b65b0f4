import type { Database, Row } from '../../db/Database.js';

/**
 * Runs one query for a health check in its own transaction with `statement_timeout` set to the
 * check's timeout, so that when the check gives up the server cancels the statement too. Nothing runs
 * when the check was already abandoned while waiting for a pooled connection.
 */
export async function boundedQuery<R = Row>(
  db: Database,
  sql: string,
  params: readonly unknown[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<R[]> {
  return db.transaction(
    async (tx) => {
      signal.throwIfAborted();
      return (await tx.query<R>(sql, params)).rows;
    },
    { statementTimeoutMs: timeoutMs },
  );
}
