import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PgtelConfig } from '../../config.js';
import { DataDirLock } from '../../db/DataDirLock.js';
import { ConfigError } from '../../errors.js';
import { reachableUrl } from '../../serve/reachableUrl.js';

/** How long the configured port gets to answer as pgtel before the command gives up on it. */
const PROBE_TIMEOUT_MS = 1_000;

/** Whether the configuration names an embedded folder (not PostgreSQL, not in memory). */
function embeddedFolder(config: PgtelConfig): string | undefined {
  return config.databaseUrl || config.dataDir === 'memory://' ? undefined : config.dataDir;
}

/** Whether the configuration names an embedded database folder that does not exist. */
export function embeddedFolderMissing(config: PgtelConfig): boolean {
  const folder = embeddedFolder(config);
  return folder !== undefined && !existsSync(folder);
}

/**
 * Refuses to go on where the embedded database folder does not exist: a command other than
 * `migrate`, `demo` or `serve` never creates a database, it says how to point pgtel at one.
 */
export function assertEmbeddedDatabaseExists(config: PgtelConfig): void {
  if (!embeddedFolderMissing(config)) return;
  const folder = config.dataDir;
  throw new ConfigError(
    `No pgtel database here: ${resolve(folder)} does not exist and no pgtel serve answers at ` +
      `${reachableUrl(config.host, config.port)}. Point pgtel at a running server with --url (or PGTEL_URL), ` +
      'at PostgreSQL with DATABASE_URL, or at the embedded folder with PGTEL_DATA_DIR ' +
      '(pgtel serve or pgtel migrate creates one).',
  );
}

/** Whether a pgtel server answers at `url`: its API's JSON, or its 401 error body when a token is needed. */
async function answersAsPgtel(url: string, token: string | undefined): Promise<boolean> {
  try {
    const response = await fetch(`${url}/api/telemetry-env`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    const body = (await response.json()) as { error?: { code?: unknown } };
    return response.ok || (response.status === 401 && typeof body.error?.code === 'string');
  } catch {
    return false;
  }
}

/**
 * The URL of a running `pgtel serve` a command should use instead of opening the embedded database:
 * the one recorded in the folder's lock file by the server holding it (the configured host and port
 * for a holder that recorded none), or, where the folder does not exist, a pgtel answering on the
 * configured port. Undefined when the command should open the database itself; throws the
 * "no database here" error when there is neither a folder nor a server.
 */
export async function runningServerUrl(
  config: PgtelConfig,
  token: string | undefined,
): Promise<string | undefined> {
  const folder = embeddedFolder(config);
  if (folder === undefined) return undefined;
  const holder = DataDirLock.holder(folder);
  if (holder) return holder.url ?? reachableUrl(config.host, config.port);
  if (existsSync(folder)) return undefined;
  const configured = reachableUrl(config.host, config.port);
  if (await answersAsPgtel(configured, token)) return configured;
  assertEmbeddedDatabaseExists(config);
  return undefined;
}
