import { resolveConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { migrate } from '../../schema/migrate.js';
import { type Command, EXIT } from '../Command.js';
import { openForSql } from '../openForSql.js';

export const migrateCommand: Command = {
  usage: 'pgtel migrate [--dry-run] [--json]',
  options: { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
  async run({ values }, io) {
    const dryRun = values['dry-run'] === true;
    const config = resolveConfig({}, io.env);
    const db = await openForSql(config, 'pgtel migrate', { create: true });
    try {
      const result = await migrate(db, {
        dryRun,
        partitionsAhead: config.partitionsAhead,
        retentionDays: config.retentionDays,
        logger: createLogger(config.logLevel, io.err),
        onMigration: (m) =>
          values.json || io.err(`applying ${String(m.version).padStart(4, '0')}_${m.name}...\n`),
      });
      if (values.json) {
        io.out(
          `${JSON.stringify({ dryRun, version: result.version, migrations: result.applied.map((m) => ({ version: m.version, name: m.name })) })}\n`,
        );
      } else if (dryRun) {
        io.out(
          result.applied.length === 0
            ? 'Up to date: nothing to apply.\n'
            : `Would apply ${result.applied.length} migration(s):\n`,
        );
        for (const m of result.applied)
          io.out(`\n-- ${String(m.version).padStart(4, '0')}_${m.name}.sql\n${m.sql}`);
      } else {
        io.out(
          `Schema "${db.schema}" at version ${result.version} on ${db.description} (${result.applied.length} applied now).\n`,
        );
      }
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};
