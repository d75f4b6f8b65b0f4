import { pruneAlertData } from '../../alerts/pruneAlertData.js';
import { resolveConfig } from '../../config.js';
import { maintainPartitions } from '../../schema/PartitionManager.js';
import { pruneWorkflows } from '../../workflows/pruneWorkflows.js';
import { type Command, EXIT } from '../Command.js';
import { openForSql } from '../openForSql.js';
import { UsageError } from '../UsageError.js';
import { printJson } from '../withApi.js';

export const pruneCommand: Command = {
  name: 'prune',
  summary: 'Apply retention now: drop expired partitions, closed workflows, old alert history',
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
        `  dropped ${partitions.dropped.length} partition(s), ${partitions.expiredRows} expired row(s)`,
      );
      progress(`pruning workflows closed more than ${config.workflowRetentionDays} days ago...`);
      const workflows = await pruneWorkflows(db, { retentionDays: config.workflowRetentionDays });
      progress(`  removed ${workflows.workflows} workflow(s) in ${workflows.batches} batch(es)`);
      progress('pruning sent notifications and old alert history...');
      const alerts = await pruneAlertData(db);
      progress(`  removed ${alerts.outbox} notification(s), ${alerts.history} history row(s)`);
      const result = { partitions, workflows, alerts };
      if (values.json) printJson(io, result);
      else
        io.out(
          `Pruned: ${partitions.dropped.length} partitions (${partitions.dropped.join(', ') || 'none'}), ` +
            `${partitions.expiredRows} expired rows, ${workflows.workflows} workflows ` +
            `(${workflows.historyEntries} history entries), ${alerts.outbox} sent notifications, ` +
            `${alerts.history} alert history rows.\n`,
        );
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};
