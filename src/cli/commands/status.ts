import { type PgtelConfig, resolveConfig } from '../../config.js';
import { schemaStatus } from '../../schema/schemaStatus.js';
import { readSpoolDepth, type SpoolDepth } from '../../spool/readSpoolDepth.js';
import { spoolFolder } from '../../spool/spoolFolder.js';
import { type Command, EXIT } from '../Command.js';
import { formatDuration } from '../formatDuration.js';
import { openForSql } from '../openForSql.js';
import { renderTable } from '../renderTable.js';

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
      : `${spool.records} request(s), ${formatBytes(spool.bytes)} waiting to be stored, oldest ${formatDuration(
          now - (spool.oldestAppendedAt ?? now),
        )} ago`;
  let out = `Spool:    ${waiting} (${spool.folder})\n`;
  if (spool.deadLetters > 0)
    out += `          ${spool.deadLetters} request(s) refused by the database kept in dead-letter.log files\n`;
  return out;
}

async function spoolOf(config: PgtelConfig): Promise<SpoolDepth | undefined> {
  return config.spoolMaxBytes > 0 ? readSpoolDepth(spoolFolder(config)) : undefined;
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show the database, schema version, table sizes and the ingest spool',
  usage: 'pgtel status [--json]',
  options: { json: { type: 'boolean' } },
  async run({ values }, io) {
    const config = resolveConfig({}, io.env);
    // Read from disk first: what waits in the spool matters most when the database cannot be reached.
    const spool = await spoolOf(config);
    let db: Awaited<ReturnType<typeof openForSql>>;
    try {
      db = await openForSql(config, 'pgtel status');
    } catch (error) {
      if (spool && spool.records > 0 && !values.json) io.out(renderSpoolDepth(spool, Date.now()));
      throw error;
    }
    try {
      const status = await schemaStatus(db);
      if (values.json) {
        io.out(`${JSON.stringify({ ...status, spool: spool ?? null })}\n`);
      } else {
        io.out(
          `Database: ${status.database}\nSchema:   "${status.schema}" version ${status.version} of ${status.latest}\n`,
        );
        if (status.pending.length > 0) io.out(`Pending:  ${status.pending.join(', ')} (run pgtel migrate)\n`);
        io.out(renderSpoolDepth(spool, Date.now()));
        io.out(
          `\n${renderTable(
            ['table', 'rows (estimate)', 'partitions'],
            status.tables.map((t) => [t.name, String(t.estimatedRows), String(t.partitions)]),
          )}`,
        );
      }
      return status.pending.length === 0 ? EXIT.ok : EXIT.unhealthy;
    } finally {
      await db.close();
    }
  },
};
