import type { Database } from '../src/db/Database.js';
import { openDatabase } from '../src/db/openDatabase.js';
import { quoteIdent } from '../src/db/quoteIdent.js';
import { createLogger } from '../src/logger.js';
import { migrate } from '../src/schema/migrate.js';
import { PgtelServer } from '../src/serve/PgtelServer.js';

/** Benchmarks run on the real server: PGTEL_BENCH_DATABASE_URL, default the local test database. */
export const benchDatabaseUrl =
  process.env.PGTEL_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh, migrated schema for one benchmark; drop it with `dropBenchDatabase`. */
export async function openBenchDatabase(schema: string): Promise<Database> {
  const db = await openDatabase({ databaseUrl: benchDatabaseUrl, schema });
  await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  await migrate(db);
  return db;
}

export async function dropBenchDatabase(db: Database): Promise<void> {
  await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(db.schema)} CASCADE`);
  await db.close();
}

/**
 * `pgtel serve` in-process on a benchmark's schema: a free port, no gRPC, no background jobs, quiet;
 * `queryTimeoutMs` overrides the query timeout when given.
 */
export function startBenchServer(db: Database, queryTimeoutMs?: number): Promise<PgtelServer> {
  return PgtelServer.start({
    ...(queryTimeoutMs ? { queryTimeoutMs } : {}),
    databaseUrl: benchDatabaseUrl,
    schema: db.schema,
    port: 0,
    grpcPort: 'off',
    jobs: false,
    logger: createLogger('error'),
  });
}
