import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { quoteIdent } from '../src/db/quoteIdent.js';

const run = promisify(execFile);

/** A fault the soak injected: what, when (ms after start) and how long it lasted. */
export interface FaultRecord {
  fault: string;
  atMs: number;
  durationMs: number;
  detail: string;
}

/**
 * Restarts the local PostgreSQL 15 cluster. Only the soak runner calls this (never a test suite, which
 * shares the server with other work).
 */
export async function restartPostgres(): Promise<string> {
  const version = process.env.SOAK_PG_VERSION ?? '15';
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { timeout: 120_000 });
  return `pg_ctlcluster ${version} main restart`;
}

/**
 * Holds `LOCK TABLE <schema>.<table> IN ACCESS EXCLUSIVE MODE` in an open transaction for `ms`, so
 * every write (and read) of the table stalls, then commits. Tolerates losing the connection.
 */
export async function lockTable(
  databaseUrl: string,
  schema: string,
  table: string,
  ms: number,
): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${quoteIdent(schema)}.${quoteIdent(table)} IN ACCESS EXCLUSIVE MODE`);
    await new Promise((resolve) => setTimeout(resolve, ms));
    await client.query('COMMIT');
  } finally {
    await client.end().catch(() => {});
  }
  return `${table} locked ACCESS EXCLUSIVE for ${ms} ms`;
}
