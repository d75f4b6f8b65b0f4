import { saveAlertRules } from '../../alerts/rules/ruleStore.js';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/Database.js';
import type { Logger } from '../../logger.js';
import type { MetricsCollector } from '../../metrics/MetricsCollector.js';
import { setupTracing } from '../../tracing/setupTracing.js';
import { WorkflowStateTracker } from '../../workflows/WorkflowStateTracker.js';
import type { Job } from '../jobs/JobRunner.js';
import { DEMO_WORKFLOW_TYPE, DemoPipeline, demoAlertRules, demoWorkflowDefinition } from './DemoPipeline.js';

export interface RunningDemo {
  /** Runs one batch of the pipeline; `pgtel serve --demo` schedules it every 2 seconds. */
  job: Job;
  /** Flushes the demo's spans and undoes its tracing setup. */
  stop(): Promise<void>;
}

/** Sets up what the demo needs (tracing into the database, its alert rules) and returns its job. */
export async function startDemo(options: {
  db: Database;
  metrics: MetricsCollector;
  clock: Clock;
  logger: Logger;
}): Promise<RunningDemo> {
  const { db, metrics, clock, logger } = options;
  const tracing = await setupTracing({ serviceName: 'demo-pipeline', db, logger });
  await saveAlertRules(db, demoAlertRules, clock);
  const workflows = new WorkflowStateTracker(db, {
    clock,
    definitions: { [DEMO_WORKFLOW_TYPE]: demoWorkflowDefinition },
    actor: 'demo-pipeline',
  });
  const pipeline = new DemoPipeline({ metrics, workflows });
  logger.info('demo pipeline running: a batch every 2 seconds (workflows, spans, metrics, alerts)');
  return {
    job: { name: 'demo', intervalMs: 2_000, run: () => pipeline.runBatch() },
    stop: () => tracing.shutdown(),
  };
}
