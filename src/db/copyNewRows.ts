import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DatabaseSession } from './Database.js';
import { quoteIdent } from './quoteIdent.js';

/** Rows encoded and sent per COPY into the staging table. */
const COPY_CHUNK_ROWS = 2_000;

/**
 * COPYs rows into one of pgtel's tables, skipping rows whose unique `key` is already stored (or
 * repeats within `rows`): they go through a session-local staging table, then one
 * `INSERT … SELECT … ORDER BY key ON CONFLICT DO NOTHING`. A resent batch therefore costs about what
 * the first send cost and stores nothing twice; inserting in key order, two transactions storing the
 * same rows wait for each other instead of deadlocking. Call it inside a transaction (the staging
 * rows vanish at commit). Returns the rows inserted.
 */
export async function copyNewRows(
  tx: DatabaseSession,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  key: readonly string[],
): Promise<number> {
  if (rows.length === 0) return 0;
  // Named after the schema and columns, so a connection reused after a migration gets a fresh one.
  const shape = createHash('md5')
    .update(`${tx.schema}\0${table}\0${columns.join('\0')}`)
    .digest('hex');
  const staging = quoteIdent(`pgtel_staging_${table}_${shape.slice(0, 12)}`);
  const list = columns.map(quoteIdent).join(', ');
  await tx.exec(
    `CREATE TEMP TABLE IF NOT EXISTS ${staging} ON COMMIT DELETE ROWS
       AS SELECT ${list} FROM ${tx.table(table)} WITH NO DATA`,
  );
  await tx.exec(`DELETE FROM ${staging}`); // rows of an earlier call in the same transaction
  // Encoded a chunk at a time, letting the event loop turn between chunks (probes, other requests).
  for (let i = 0; i < rows.length; i += COPY_CHUNK_ROWS) {
    if (i > 0) await nextTurn();
    await tx.copyRowsInto(staging, columns, rows.slice(i, i + COPY_CHUNK_ROWS));
  }
  const result = await tx.query(
    `INSERT INTO ${tx.table(table)} (${list}) SELECT ${list} FROM ${staging}
     ORDER BY ${key.map(quoteIdent).join(', ')} ON CONFLICT DO NOTHING`,
  );
  return result.rowCount ?? 0;
}
