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

/**
 * Checks a client out of the pool for `use`. A checked-out client has no pool error listener: the
 * server going away mid-use would emit an unhandled 'error' and crash the process. The listener here
 * catches it, and a client that failed is destroyed instead of going back to the pool.
 */
async function withClient<T>(
  pool: pg.Pool,
  use: (client: pg.PoolClient, markBroken: (error: Error) => void) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const markBroken = (error: Error) => {
    broken ??= error;
  };
  client.on('error', markBroken);
  try {
    return await use(client, markBroken);
  } finally {
    client.removeListener('error', markBroken);
    client.release(broken);
  }
}

async function copyOn(client: pg.PoolClient, copySql: string, data: string): Promise<number> {
  const stream = client.query(copyFrom(copySql));
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', resolve);
    stream.end(data);
  });
  return Number(stream.rowCount ?? 0);
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
    copyFrom(copySql, data) {
      return client instanceof Pool
        ? withClient(client, (c) => copyOn(c, copySql, data))
        : copyOn(client, copySql, data);
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
    transaction(fn) {
      return withClient(pool, async (client, markBroken) => {
        await client.query('BEGIN');
        try {
          const result = await fn(sessionOn(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          // A client whose rollback fails is in an unknown state: it is destroyed, not reused.
          await client.query('ROLLBACK').catch(markBroken);
          throw error;
        }
      });
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
