import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { Driver, DriverSession } from './Driver.js';
import { scalarParsers } from './typeParsers.js';

type PgliteLike = Pick<PGlite, 'query' | 'exec'> | Transaction;

function sessionOn(db: PgliteLike): DriverSession {
  return {
    async query(sql, params) {
      const result = await db.query<Record<string, unknown>>(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql) {
      await db.exec(sql);
    },
    async copyFrom(copySql, data) {
      // PGlite reads COPY input from a virtual /dev/blob file.
      const sql = copySql.replace(/FROM\s+STDIN/i, "FROM '/dev/blob'");
      const result = await db.query(sql, [], { blob: new Blob([data]) });
      return result.affectedRows ?? 0;
    },
  };
}

/**
 * Embedded PostgreSQL (WASM). `dataDir` is a folder, or `memory://` for an in-memory database.
 * PGlite (27 MB) is imported here, on first use, so an application on a PostgreSQL server never loads it.
 */
export async function createPgliteDriver(dataDir: string): Promise<Driver> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir, { parsers: scalarParsers });
  const session = sessionOn(db);
  let transactions = 0;
  return {
    kind: 'pglite',
    description: dataDir === 'memory://' ? 'embedded PGlite (in memory)' : `embedded PGlite in ${dataDir}`,
    ...session,
    async transaction(fn) {
      transactions++;
      try {
        return await db.transaction((tx) => fn(sessionOn(tx)));
      } finally {
        transactions--;
      }
    },
    poolStats: () => ({
      total: 1,
      idle: transactions === 0 ? 1 : 0,
      waiting: Math.max(0, transactions - 1),
      max: 1,
    }),
    close: () => db.close(),
  };
}
