import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { redact } from '../redact.js';
import type { Driver, DriverSession, QueryResult } from './Driver.js';
import { arrayElementOids, scalarParsers } from './typeParsers.js';

const { Pool, types: defaultTypes } = pg;

function getTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
  const scalar = scalarParsers[oid];
  if (scalar) return scalar;
  const element = arrayElementOids[oid];
  if (element !== undefined) {
    const parseElement = scalarParsers[element]!;
    const parseArray = defaultTypes.getTypeParser(1009 as never) as (text: string) => (string | null)[];
    return (text) => parseArray(text).map((item) => (item === null ? null : parseElement(item)));
  }
  return defaultTypes.getTypeParser(oid, format ?? 'text') as (text: string) => unknown;
}

function sessionOn(client: pg.PoolClient | pg.Pool): DriverSession {
  return {
    async query(sql, params) {
      const result = await client.query(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 } satisfies QueryResult;
    },
    async exec(sql) {
      await client.query(sql);
    },
    async copyFrom(copySql, data) {
      const connection = 'release' in client ? client : await client.connect();
      try {
        const stream = connection.query(copyFrom(copySql));
        await new Promise<void>((resolve, reject) => {
          stream.on('error', reject);
          stream.on('finish', resolve);
          stream.end(data);
        });
        return Number(stream.rowCount ?? 0);
      } finally {
        if (connection !== client) (connection as pg.PoolClient).release();
      }
    },
  };
}

/** node-postgres pool driver. */
export function createPgDriver(connectionString: string, maxConnections: number): Driver {
  const pool = new Pool({
    connectionString,
    max: maxConnections,
    types: { getTypeParser } as pg.CustomTypesConfig,
    application_name: 'pgtel',
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  const session = sessionOn(pool);
  return {
    kind: 'postgres',
    description: redact(connectionString),
    ...session,
    async transaction(fn) {
      const client = await pool.connect();
      let broken: unknown;
      try {
        await client.query('BEGIN');
        const result = await fn(sessionOn(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        // A client whose rollback failed is in an unknown state: destroy it instead of reusing it.
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: maxConnections,
    }),
    close: () => pool.end(),
  };
}
