import { pruneAlertData } from '../../alerts/pruneAlertData.js';
import { resolveConfig } from '../../config.js';
import { maintainPartitions } from '../../schema/PartitionManager.js';
import { pruneWorkflows } from '../../workflows/pruneWorkflows.js';
import { type Command, EXIT } from '../Command.js';
import { openForSql } from '../openForSql.js';
import { plural } from '../plural.js';
import { UsageError } from '../UsageError.js';
import { printJson } from '../withApi.js';

export const pruneCommand: Command = {
  usage: 'pgtel prune [--json]',
  options: { json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const config = resolveConfig({}, io.env);
    const db = await openForSql(config, 'pgtel prune');
    const progress = (text: string) => io.err(`${text}\n`);
    try {
      progress('pruning partitions past retention...');
      const partitions = await maintainPartitions(db, {
        ahead: config.partitionsAhead,
        retentionDays: config.retentionDays,
      });
      progress(
        `  dropped ${plural(partitions.dropped.length, 'partition')}, ${plural(partitions.expiredRows, 'expired row')}`,
      );
      progress(`pruning workflows closed more than ${config.workflowRetentionDays} days ago...`);
      const workflows = await pruneWorkflows(db, { retentionDays: config.workflowRetentionDays });
      progress(
        `  removed ${plural(workflows.workflows, 'workflow')} in ${plural(workflows.batches, 'batch', 'batches')}`,
      );
      progress('pruning sent notifications and old alert history...');
      const alerts = await pruneAlertData(db);
      progress(
        `  removed ${plural(alerts.outbox, 'notification')}, ${plural(alerts.history, 'history row')}`,
      );
      const result = { partitions, workflows, alerts };
      if (values.json) printJson(io, result);
      else
        io.out(
          `Pruned: ${plural(partitions.dropped.length, 'partition')} (${partitions.dropped.join(', ') || 'none'}), ` +
            `${plural(partitions.expiredRows, 'expired row')}, ${plural(workflows.workflows, 'workflow')} ` +
            `(${plural(workflows.historyEntries, 'history entry', 'history entries')}), ` +
            `${plural(alerts.outbox, 'sent notification')}, ${plural(alerts.history, 'alert history row')}.\n`,
        );
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};
