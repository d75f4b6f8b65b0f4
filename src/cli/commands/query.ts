import { resolveConfig } from '../../config.js';
import { DatabaseError, PgtelError } from '../../errors.js';
import { runAsReader, userQueryBody } from '../../schema/runAsReader.js';
import { type Command, EXIT } from '../Command.js';
import { openForSql } from '../openForSql.js';
import { plural } from '../plural.js';
import { renderTable } from '../renderTable.js';
import { ROW_QUERY_KEYWORDS, statementKeyword } from '../statementKeyword.js';
import { UsageError } from '../UsageError.js';
import { printJson } from '../withApi.js';

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export const queryCommand: Command = {
  usage: 'pgtel query "<select>" [--limit N] [--json]',
  options: { json: { type: 'boolean' }, limit: { type: 'string' } },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1)
      throw new UsageError('give the query as one argument (quote it), e.g. pgtel query "SELECT 1"');
    const limit = values.limit === undefined ? 1000 : Number(values.limit);
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 100_000))
      throw new UsageError('--limit must be a whole number from 1 to 100000');
    const sql = positionals[0]!;
    if (userQueryBody(sql) === '')
      throw new UsageError('give the SQL to run, e.g. pgtel query "SELECT count(*) FROM spans"');
    const keyword = statementKeyword(sql);
    if (keyword !== '' && !ROW_QUERY_KEYWORDS.has(keyword))
      throw new PgtelError(
        'PGTEL_INVALID',
        `only SELECT/WITH queries are allowed (or VALUES, TABLE), not ${keyword.toUpperCase()}: pgtel query only reads`,
      );
    const config = resolveConfig({}, io.env);
    const db = await openForSql(config, 'pgtel query');
    try {
      // As the reader role, with `FROM spans` working unqualified; one row more tells of truncation.
      const found = await runAsReader(db, sql, {
        rowLimit: limit + 1,
        at: new Date(),
        statementTimeoutMs: config.queryTimeoutMs,
      }).catch((error: unknown) => {
        // The wrapper is ours: show the server's reason, not the wrapped statement.
        if (!(error instanceof DatabaseError)) throw error;
        throw new DatabaseError(error.message.replace(/ \(while running: [\s\S]*\)$/, ''), {
          cause: error,
          sqlState: error.sqlState,
        });
      });
      const truncated = found.length > limit;
      const rows = truncated ? found.slice(0, limit) : found;
      const columns = rows[0] ? Object.keys(rows[0]) : [];
      if (values.json) printJson(io, { columns, rows, truncated });
      else {
        io.out(
          renderTable(
            columns,
            rows.map((r) => columns.map((c) => cell(r[c]))),
          ),
        );
        io.out(`(${plural(rows.length, 'row')}${truncated ? `, truncated at --limit ${limit}` : ''})\n`);
      }
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};
