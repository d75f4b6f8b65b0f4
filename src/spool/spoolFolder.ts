import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import type { PgtelConfig } from '../config.js';

const IN_MEMORY = 'memory://';

/** The spool root: `spoolDir`, else `spool` beside the embedded database folder (`./.pgtel/spool`). */
export function spoolRoot(config: Pick<PgtelConfig, 'spoolDir' | 'dataDir'>): string {
  if (config.spoolDir !== undefined) return resolve(config.spoolDir);
  const dataDir = config.dataDir === IN_MEMORY ? './.pgtel/data' : config.dataDir;
  return join(dirname(resolve(dataDir)), 'spool');
}

/** Where the data goes: server, port, database and schema (never the user or password), or the embedded folder. */
function destinationOf(config: Pick<PgtelConfig, 'databaseUrl' | 'dataDir' | 'schema'>): string {
  if (config.databaseUrl) {
    try {
      const url = new URL(config.databaseUrl);
      const host = url.searchParams.get('host') ?? url.hostname;
      return `postgres ${host}:${url.port || '5432'}${url.pathname} ${config.schema}`;
    } catch {
      return `postgres ${createHash('sha256').update(config.databaseUrl).digest('hex')} ${config.schema}`;
    }
  }
  const where = config.dataDir === IN_MEMORY ? IN_MEMORY : resolve(config.dataDir);
  return `embedded ${where} ${config.schema}`;
}

/**
 * The spool folder of one destination (database and schema) under the spool root: records wait for
 * the database they were sent to, so a restart on another `DATABASE_URL` or schema never stores them
 * elsewhere. Named `<schema>-<hash of the destination>`, e.g. `observability-3f9c2a1b7d40`.
 */
export function spoolFolder(
  config: Pick<PgtelConfig, 'spoolDir' | 'dataDir' | 'databaseUrl' | 'schema'>,
): string {
  const hash = createHash('sha256').update(destinationOf(config)).digest('hex').slice(0, 12);
  const readable = config.schema.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  return join(spoolRoot(config), `${readable}-${hash}`);
}
