import { UsageError } from './UsageError.js';

/**
 * Wraps a user's query as `SELECT * FROM (<query>) AS ... LIMIT $1` (pure). The bound `$1` makes the
 * driver use the extended protocol, which runs exactly one statement: `COMMIT; DELETE ...` cannot
 * escape the READ ONLY transaction the way it could through the simple protocol. The newline before
 * the closing parenthesis keeps a trailing `-- comment` from swallowing it. Only row-returning
 * queries (SELECT, WITH ... SELECT, VALUES, TABLE) fit in a subquery; anything else is a syntax error.
 */
export function wrapUserQuery(sql: string): string {
  const body = sql.replace(/[\s;]+$/, '').trim();
  if (body === '') throw new UsageError('give the SQL to run, e.g. pgtel query "SELECT count(*) FROM spans"');
  return `SELECT * FROM (\n${body}\n) AS pgtel_user_query LIMIT $1::int8`;
}
