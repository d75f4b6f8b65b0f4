import { type PgtelConfig, resolveConfig } from '../../config.js';
import type { SchemaStatus } from '../../schema/schemaStatus.js';
import { readSpoolDepth, type SpoolDepth } from '../../spool/readSpoolDepth.js';
import { spoolFolder } from '../../spool/spoolFolder.js';
import { ApiClient } from '../api/ApiClient.js';
import { explicitServerUrl } from '../api/connectApi.js';
import { embeddedFolderMissing, runningServerUrl } from '../api/runningServerUrl.js';
import { type Command, EXIT } from '../Command.js';
import { formatDuration } from '../formatDuration.js';
import { openForSql } from '../openForSql.js';
import { plural } from '../plural.js';
import { renderTable } from '../renderTable.js';
import { apiOptions } from '../withApi.js';

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** The spool lines of `pgtel status`: what waits to be stored, how old, and any dead letters. */
export function renderSpoolDepth(spool: SpoolDepth | undefined, now: number): string {
  if (!spool) return 'Spool:    off (spoolMaxBytes=0)\n';
  const waiting =
    spool.records === 0
      ? 'empty'
      : `${plural(spool.records, 'request')}, ${formatBytes(spool.bytes)} waiting to be stored, oldest ${formatDuration(
          now - (spool.oldestAppendedAt ?? now),
        )} ago`;
  let out = `Spool:    ${waiting} (${spool.folder})\n`;
  if (spool.deadLetters > 0)
    out += `          ${plural(spool.deadLetters, 'request')} refused by the database kept in dead-letter.log files\n`;
  return out;
}

async function spoolOf(config: PgtelConfig): Promise<SpoolDepth | undefined> {
  return config.spoolMaxBytes > 0 ? readSpoolDepth(spoolFolder(config)) : undefined;
}

export const statusCommand: Command = {
  usage: 'pgtel status [--json] [--url URL]',
  options: apiOptions,
  async run({ values }, io) {
    const config = resolveConfig({}, io.env);
    // The spool is on this machine's disk beside the data folder; a server reached by URL keeps its own.
    const local = explicitServerUrl(values.url, io.env) === undefined && !embeddedFolderMissing(config);
    // Read from disk first: what waits in the spool matters most when the database cannot be reached.
    const spool = local ? await spoolOf(config) : undefined;
    let status: SchemaStatus;
    try {
      status = await readStatus(config, values, io.env);
    } catch (error) {
      if (spool && spool.records > 0 && !values.json) io.out(renderSpoolDepth(spool, Date.now()));
      throw error;
    }
    if (values.json) {
      io.out(`${JSON.stringify({ ...status, spool: spool ?? null })}\n`);
    } else {
      io.out(
        `Database: ${status.database}\nSchema:   "${status.schema}" version ${status.version} of ${status.latest}\n`,
      );
      if (status.pending.length > 0) io.out(`Pending:  ${status.pending.join(', ')} (run pgtel migrate)\n`);
      if (local) io.out(renderSpoolDepth(spool, Date.now()));
      io.out(
        `\n${renderTable(
          ['table', 'rows (estimate)', 'partitions'],
          status.tables.map((t) => [t.name, String(t.estimatedRows), String(t.partitions)]),
        )}`,
      );
    }
    return status.pending.length === 0 ? EXIT.ok : EXIT.unhealthy;
  },
};

/** The schema status from the running server when there is one (it may hold the embedded database), else from the database. */
async function readStatus(
  config: PgtelConfig,
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Promise<SchemaStatus> {
  const token = env.PGTEL_API_TOKEN || undefined;
  const url = explicitServerUrl(values.url, env) ?? (await runningServerUrl(config, token));
  if (url) return new ApiClient(url, (request) => fetch(request), token).get<SchemaStatus>('/status');
  const [db, { schemaStatus }] = await Promise.all([
    openForSql(config, 'pgtel status'),
    import('../../schema/schemaStatus.js'),
  ]);
  try {
    return await schemaStatus(db);
  } finally {
    await db.close();
  }
}
