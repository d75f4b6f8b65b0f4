import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { UnavailableError } from '../errors.js';
import { redact } from '../redact.js';
import { cancelBackend } from './cancelBackend.js';
import { currentDeadline, type Deadline } from './DeadlineScope.js';
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

/** The pool's acquire timeout (a raw Error with no code) as the transient condition it is. */
function poolError(error: unknown): unknown {
  if (error instanceof Error && /timeout exceeded when trying to connect/i.test(error.message)) {
    return new UnavailableError(
      'no database connection became free in time (pool exhausted or server slow)',
      {
        cause: error,
      },
    );
  }
  return error;
}

/**
 * A pooled client, waiting no longer than the current deadline (the pool's own acquire timeout
 * bounds the wait otherwise). A client the pool hands over after the deadline goes straight back.
 */
function acquire(pool: pg.Pool, deadline: Deadline | undefined): Promise<pg.PoolClient> {
  if (!deadline) {
    return pool.connect().catch((error: unknown) => {
      throw poolError(error);
    });
  }
  const { signal } = deadline;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    pool.connect().then(
      (client) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) client.release();
        else resolve(client);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(poolError(error));
      },
    );
  });
}

/**
 * Checks a client out of the pool for `use`. A checked-out client has no pool error listener: the
 * server going away mid-use would emit an unhandled 'error' and crash the process. The listener here
 * catches it, and a client that failed is destroyed instead of going back to the pool. Under a
 * deadline (see DeadlineScope), a client still in use when it passes has its query cancelled on the
 * server and its connection cut, so a stalled database holds no pool slot past the deadline.
 */
async function withClient<T>(
  pool: pg.Pool,
  use: (client: pg.PoolClient, markBroken: (error: Error) => void) => Promise<T>,
): Promise<T> {
  const deadline = currentDeadline();
  const client = await acquire(pool, deadline);
  let broken: Error | undefined;
  const markBroken = (error: Error) => {
    broken ??= error;
  };
  const onDeadline = () => {
    markBroken(deadline!.signal.reason as Error);
    cancelBackend(client as unknown as Parameters<typeof cancelBackend>[0]);
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  };
  client.on('error', markBroken);
  deadline?.signal.addEventListener('abort', onDeadline, { once: true });
  try {
    return await use(client, markBroken);
  } catch (error) {
    // The cut connection fails the query with "Connection terminated": report the deadline instead.
    throw deadline?.signal.aborted ? deadline.signal.reason : error;
  } finally {
    deadline?.signal.removeEventListener('abort', onDeadline);
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
      const values = params as unknown[] | undefined;
      // Under a deadline a pool query checks its client out itself, so the deadline can cut it.
      const result =
        client instanceof Pool && currentDeadline()
          ? await withClient(client, (c) => c.query(sql, values))
          : await client.query(sql, values);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 } satisfies QueryResult;
    },
    async exec(sql) {
      if (client instanceof Pool && currentDeadline()) await withClient(client, (c) => c.query(sql));
      else await client.query(sql);
    },
    copyFrom(copySql, data) {
      return client instanceof Pool
        ? withClient(client, (c) => copyOn(c, copySql, data))
        : copyOn(client, copySql, data);
    },
  };
}

/** Default longest wait for a pooled connection (the `poolAcquireTimeoutMs` option). */
export const DEFAULT_POOL_ACQUIRE_TIMEOUT_MS = 5000;

/**
 * node-postgres pool driver. `acquireTimeoutMs` bounds both opening a connection and waiting for a
 * free one (default {@link DEFAULT_POOL_ACQUIRE_TIMEOUT_MS}); the error then is transient (503).
 */
export function createPgDriver(
  connectionString: string,
  maxConnections: number,
  acquireTimeoutMs = DEFAULT_POOL_ACQUIRE_TIMEOUT_MS,
): Driver {
  const pool = new Pool({
    connectionString,
    max: maxConnections,
    types: { getTypeParser } as pg.CustomTypesConfig,
    application_name: 'pgtel',
    connectionTimeoutMillis: acquireTimeoutMs,
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
