import { saveAlertRules } from '../../alerts/rules/ruleStore.js';
import { systemClock } from '../../clock.js';
import { resolveConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { MetricsCollector } from '../../metrics/MetricsCollector.js';
import { migrate } from '../../schema/migrate.js';
import {
  DEMO_WORKFLOW_TYPE,
  DemoPipeline,
  demoAlertRules,
  demoWorkflowDefinition,
} from '../../serve/demo/DemoPipeline.js';
import { setupTracing } from '../../tracing/setupTracing.js';
import { WorkflowStateTracker } from '../../workflows/WorkflowStateTracker.js';
import { type Command, EXIT } from '../Command.js';
import { openForSql } from '../openForSql.js';
import { UsageError } from '../UsageError.js';
import { printJson } from '../withApi.js';

export const demoCommand: Command = {
  usage: 'pgtel demo [--batches N] [--json]',
  options: { json: { type: 'boolean' }, batches: { type: 'string' } },
  async run({ values, positionals }, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const batches = values.batches === undefined ? 50 : Number(values.batches);
    if (!(Number.isInteger(batches) && batches >= 1 && batches <= 10_000))
      throw new UsageError('--batches must be a whole number from 1 to 10000');
    const config = resolveConfig({}, io.env);
    const logger = createLogger(config.logLevel === 'debug' ? 'debug' : 'warn', io.err);
    const db = await openForSql(config, 'pgtel demo (pgtel serve --demo loads demo data itself)', {
      create: true,
    });
    try {
      await migrate(db, {
        partitionsAhead: config.partitionsAhead,
        retentionDays: config.retentionDays,
        logger,
      });
      await saveAlertRules(db, demoAlertRules, systemClock);
      const tracing = await setupTracing({ serviceName: 'demo-pipeline', db, logger });
      const metrics = new MetricsCollector({ db, logger, flushIntervalMs: 0 });
      const workflows = new WorkflowStateTracker(db, {
        definitions: { [DEMO_WORKFLOW_TYPE]: demoWorkflowDefinition },
        actor: 'demo-pipeline',
      });
      // No waiting: the burst is loaded as fast as the database takes it.
      const pipeline = new DemoPipeline({ metrics, workflows, pause: () => Promise.resolve() });
      const statuses: Record<string, number> = {};
      try {
        for (let i = 1; i <= batches; i++) {
          const workflow = await pipeline.runBatch();
          statuses[workflow.status] = (statuses[workflow.status] ?? 0) + 1;
          if (i % 10 === 0 || i === batches) io.err(`demo: ${i}/${batches} batches\n`);
        }
      } finally {
        await tracing.shutdown();
        await metrics.shutdown();
      }
      const stats = tracing.stats();
      const result = {
        batches,
        workflows: statuses,
        spansExported: stats.exported,
        spansDropped: stats.dropped,
      };
      if (values.json) printJson(io, result);
      else
        io.out(
          `Loaded ${batches} demo batches: ${Object.entries(statuses)
            .map(([s, n]) => `${n} ${s}`)
            .join(', ')}; ${stats.exported} spans. Try: pgtel traces --service demo-pipeline\n`,
        );
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};
