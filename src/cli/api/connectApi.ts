import { Hono } from 'hono';
import { systemClock } from '../../clock.js';
import { type PgtelConfig, resolveConfig } from '../../config.js';
import type { Database } from '../../db/Database.js';
import { openDatabase } from '../../db/openDatabase.js';
import { ConfigError, LockedError } from '../../errors.js';
import { databaseCheck } from '../../health/checks/databaseCheck.js';
import { migrationsCheck } from '../../health/checks/migrationsCheck.js';
import { HealthChecker } from '../../health/HealthChecker.js';
import { createApiRoutes } from '../../http/api/createApiRoutes.js';
import { schemaStatus } from '../../schema/schemaStatus.js';
import { ApiClient } from './ApiClient.js';

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

/** The server's own URL from the configuration (`0.0.0.0` is reached on loopback). */
function configuredServerUrl(config: PgtelConfig): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/**
 * Connects a data command to the JSON API with one code path: over HTTP to `--url` / `PGTEL_URL`, or
 * to the configured host and port when a running `pgtel serve` holds the embedded folder's lock;
 * otherwise the database is opened here and the same API app answers in process, without a socket.
 */
export async function connectApi(urlFlag: unknown, env: NodeJS.ProcessEnv): Promise<ApiConnection> {
  const config = resolveConfig({}, env);
  const token = env.PGTEL_API_TOKEN || undefined;
  const url = explicitServerUrl(urlFlag, env);
  if (url) return overHttp(url, config, token);
  let db: Database;
  try {
    db = await openDatabase(config);
  } catch (error) {
    if (error instanceof LockedError) return overHttp(configuredServerUrl(config), config, token);
    throw error;
  }
  try {
    const status = await schemaStatus(db);
    if (status.version === 0)
      throw new ConfigError(
        `The schema "${db.schema}" on ${db.description} is not set up: run pgtel migrate.`,
      );
  } catch (error) {
    await db.close();
    throw error;
  }
  const health = new HealthChecker({ clock: systemClock });
  health.addCheck(databaseCheck(db)).addCheck(migrationsCheck(db));
  const app = new Hono().route('/api', createApiRoutes({ db, health, config, clock: systemClock }));
  return {
    client: new ApiClient('http://pgtel.local', (request) => Promise.resolve(app.fetch(request))),
    via: 'direct',
    config,
    db,
    close: () => db.close(),
  };
}
