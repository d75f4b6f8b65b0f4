import type { PgtelConfig } from '../../config.js';
import { resolveConfig } from '../../config.js';
import type { Database } from '../../db/Database.js';
import { ConfigError, LockedError } from '../../errors.js';
import { reachableUrl } from '../../serve/reachableUrl.js';
import { ApiClient } from './ApiClient.js';
import { runningServerUrl } from './runningServerUrl.js';

/** A data command's way to the JSON API, and how it got there. */
export interface ApiConnection {
  client: ApiClient;
  /** `http`: a running server over the network; `direct`: the API app in this process. */
  via: 'http' | 'direct';
  config: PgtelConfig;
  /** The database, when opened by this process (`direct`). */
  db?: Database;
  close(): Promise<void>;
}

/** Where to find a running server: `--url`, else `PGTEL_URL`. */
export function explicitServerUrl(flag: unknown, env: NodeJS.ProcessEnv): string | undefined {
  const url = typeof flag === 'string' ? flag : env.PGTEL_URL || undefined;
  if (url === undefined) return undefined;
  if (!/^https?:\/\/[^/]/.test(url))
    throw new ConfigError(`The server URL must start with http:// or https:// (got "${url}").`);
  return url.replace(/\/+$/, '');
}

function overHttp(url: string, config: PgtelConfig, token: string | undefined): ApiConnection {
  return {
    client: new ApiClient(url, (request) => fetch(request), token),
    via: 'http',
    config,
    close: async () => {},
  };
}

/**
 * Connects a data command to the JSON API with one code path: over HTTP to `--url` / `PGTEL_URL`, or
 * to the running `pgtel serve` found by `runningServerUrl`; otherwise the existing database is opened
 * here and the same API app answers in process, without a socket. Never creates a database.
 */
export async function connectApi(urlFlag: unknown, env: NodeJS.ProcessEnv): Promise<ApiConnection> {
  const config = resolveConfig({}, env);
  const token = env.PGTEL_API_TOKEN || undefined;
  const url = explicitServerUrl(urlFlag, env) ?? (await runningServerUrl(config, token));
  if (url) return overHttp(url, config, token);
  // Loaded only on this path: a command answered over HTTP starts without the database drivers.
  const [{ openDatabase }, { appliedMigrations }] = await Promise.all([
    import('../../db/openDatabase.js'),
    import('../../schema/appliedMigrations.js'),
  ]);
  let db: Database;
  try {
    db = await openDatabase(config);
  } catch (error) {
    if (error instanceof LockedError) return overHttp(reachableUrl(config.host, config.port), config, token);
    throw error;
  }
  try {
    if ((await appliedMigrations(db)).length === 0)
      throw new ConfigError(
        `The schema "${db.schema}" on ${db.description} is not set up: run pgtel migrate.`,
      );
  } catch (error) {
    await db.close();
    throw error;
  }
  const app = await inProcessApi(db, config);
  return {
    client: new ApiClient('http://pgtel.local', (request) => Promise.resolve(app.fetch(request))),
    via: 'direct',
    config,
    db,
    close: () => db.close(),
  };
}

/** The JSON API app over `db`, answering in this process. */
async function inProcessApi(
  db: Database,
  config: PgtelConfig,
): Promise<{ fetch(request: Request): Response | Promise<Response> }> {
  const [
    { Hono },
    { systemClock },
    { databaseCheck },
    { migrationsCheck },
    { HealthChecker },
    { createApiRoutes },
  ] = await Promise.all([
    import('hono'),
    import('../../clock.js'),
    import('../../health/checks/databaseCheck.js'),
    import('../../health/checks/migrationsCheck.js'),
    import('../../health/HealthChecker.js'),
    import('../../http/api/createApiRoutes.js'),
  ]);
  const health = new HealthChecker({ clock: systemClock });
  health.addCheck(databaseCheck(db)).addCheck(migrationsCheck(db));
  return new Hono().route('/api', createApiRoutes({ db, health, config, clock: systemClock }));
}
