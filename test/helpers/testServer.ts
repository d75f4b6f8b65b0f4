import { afterAll, beforeAll } from 'vitest';
import { quoteIdent } from '../../src/db/quoteIdent.js';
import { createLogger } from '../../src/logger.js';
import { PgtelServer, type ServerOptions } from '../../src/serve/PgtelServer.js';
import { testDatabaseUrl, uniqueSchema } from './testDatabase.js';

/** Starts `pgtel serve` in-process on a free loopback port and its own schema. */
export function startTestServer(options: ServerOptions = {}): Promise<PgtelServer> {
  return PgtelServer.start({
    databaseUrl: testDatabaseUrl,
    dataDir: 'memory://',
    schema: uniqueSchema('srv'),
    port: 0,
    // Test files run in parallel: a free port each (4317 would collide), and gRPC stays exercised.
    grpcPort: 0,
    host: '127.0.0.1',
    logger: createLogger('silent'),
    jobs: false,
    ...options,
  });
}

/** Stops the server and drops its schema. */
export async function stopTestServer(server: PgtelServer): Promise<void> {
  const schema = server.db.schema;
  if (server.db.kind === 'postgres')
    await server.db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  await server.close();
}

/** One server for the whole test file. */
export function useTestServer(options: ServerOptions = {}): { readonly server: PgtelServer } {
  let server: PgtelServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(options);
  });
  afterAll(async () => {
    if (server) await stopTestServer(server);
  });
  return {
    get server(): PgtelServer {
      if (!server) throw new Error('test server not started yet');
      return server;
    },
  };
}
