import { resolveConfig } from '../../config.js';
import { schemaStatus } from '../../schema/schemaStatus.js';
import { type Command, EXIT } from '../Command.js';
import { openForSql } from '../openForSql.js';
import { renderTable } from '../renderTable.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show the database, schema version and table sizes',
  usage: 'pgtel status [--json]',
  options: { json: { type: 'boolean' } },
  async run({ values }, io) {
    const db = await openForSql(resolveConfig({}, io.env), 'pgtel status');
    try {
      const status = await schemaStatus(db);
      if (values.json) {
        io.out(`${JSON.stringify(status)}\n`);
      } else {
        io.out(
          `Database: ${status.database}\nSchema:   "${status.schema}" version ${status.version} of ${status.latest}\n`,
        );
        if (status.pending.length > 0) io.out(`Pending:  ${status.pending.join(', ')} (run pgtel migrate)\n`);
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
