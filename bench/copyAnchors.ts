// The write anchors: PostgreSQL's own COPY, fed by code that shares nothing with pgtel's encoder.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../src/db/Database.js';
import { benchDatabaseUrl } from './benchDatabase.js';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function field(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!);
}

/** COPY text format written the plain way (JSON.stringify, one escaping pass per field), not pgtel's encoder. */
export function anchorCopyText(rows: readonly (readonly unknown[])[]): string {
  return rows
    .map((row) => row.map(field).join('\t'))
    .join('\n')
    .concat('\n');
}

/**
 * Rows per second of a server-side `COPY table FROM 'file'` of ready COPY text: no client, no
 * network, PostgreSQL parsing and indexing alone. The file goes to the temporary directory, which
 * the server must be able to read (the bench database runs on this machine).
 */
export async function serverSideCopyRate(
  db: Database,
  table: string,
  columns: readonly string[],
  copyText: string,
  rows: number,
): Promise<number> {
  const file = join(tmpdir(), `pgtel-bench-copy-${process.pid}.tsv`);
  writeFileSync(file, copyText, { mode: 0o644 });
  const started = performance.now();
  await db.exec(`COPY ${table} (${columns.join(', ')}) FROM '${file}'`);
  return rows / ((performance.now() - started) / 1000);
}

/**
 * Rows per second of a client-side COPY through a bare node-postgres client and pg-copy-streams,
 * encoding each batch with `anchorCopyText` (timed) as a plain application would.
 */
export async function streamCopyRate(
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  batch: number,
): Promise<number> {
  const client = new pg.Client({ connectionString: benchDatabaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    for (let i = 0; i < rows.length; i += batch) {
      const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
      await pipeline(async function* () {
        yield anchorCopyText(rows.slice(i, i + batch));
      }, stream);
    }
    return rows.length / ((performance.now() - started) / 1000);
  } finally {
    await client.end();
  }
}

/** `write` run on an emptied `table` (a quoted name), so no contender pays for another's index growth. */
export function onEmptied(db: Database, table: string, write: () => Promise<number>): () => Promise<number> {
  return async () => {
    await db.exec(`TRUNCATE ${table}`);
    return write();
  };
}
