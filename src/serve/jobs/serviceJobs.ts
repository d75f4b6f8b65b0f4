import { notifiersFromConfig } from '../../alerts/notifiersFromConfig.js';
import { dispatchOutbox } from '../../alerts/outbox/dispatchOutbox.js';
import { resendToAlertmanager } from '../../alerts/outbox/resendToAlertmanager.js';
import { evaluateDueRules } from '../../alerts/rules/evaluateDueRules.js';
import { evaluateRecordingRules } from '../../alerts/rules/recording/evaluateRecordingRules.js';
import type { Clock } from '../../clock.js';
import type { PgtelConfig } from '../../config.js';
import type { Database } from '../../db/Database.js';
import type { Logger } from '../../logger.js';
import { pruneCumulativeStates } from '../../metrics/pruneCumulativeStates.js';
import { rollupMetrics } from '../../metrics/rollupMetrics.js';
import { maintainPartitions } from '../../schema/PartitionManager.js';
import { aggregateServiceEdges } from '../../tracing/aggregateServiceEdges.js';
import { pruneWorkflows } from '../../workflows/pruneWorkflows.js';
import { sweepStuckWorkflows } from '../../workflows/sweepStuckWorkflows.js';
import type { Job } from './JobRunner.js';

/**
 * The background jobs of `pgtel serve`. Each is safe on any number of instances sharing the database:
 * partitions and rollups take advisory locks, rule evaluation, dispatch and sweeps claim rows with
 * `FOR UPDATE SKIP LOCKED`, Alertmanager re-sends queue one outbox row per period (unique key), the service map locks its progress row, retention deletes in small batches. `publicUrl` gives the dashboard URL
 * notifications link to (default: `config.publicUrl`, else `http://localhost:<config.port>`).
 */
export function serviceJobs(
  db: Database,
  config: PgtelConfig,
  clock: Clock,
  logger: Logger,
  publicUrl: () => string = () => config.publicUrl ?? `http://localhost:${config.port}`,
): Job[] {
  const notifiers = notifiersFromConfig(config, logger, clock, publicUrl);
  return [
    {
      name: 'partitions',
      intervalMs: config.maintenanceIntervalMs,
      run: () =>
        maintainPartitions(db, { ahead: config.partitionsAhead, retentionDays: config.retentionDays, clock }),
    },
    {
      name: 'rollups',
      intervalMs: Math.min(config.maintenanceIntervalMs, 300_000),
      run: () => rollupMetrics(db, { clock }),
    },
    {
      name: 'cumulative-state-retention',
      intervalMs: config.maintenanceIntervalMs,
      run: () => pruneCumulativeStates(db, { retentionDays: config.retentionDays.metrics, clock }),
    },
    {
      name: 'alert-evaluation',
      intervalMs: config.jobIntervalMs,
      run: () =>
        evaluateDueRules(db, {
          notifiers,
          clock,
          logger,
          sqlTimeoutMs: config.queryTimeoutMs,
          publicUrl: publicUrl(),
        }),
    },
    {
      name: 'recording-rules',
      intervalMs: config.jobIntervalMs,
      run: () => evaluateRecordingRules(db, { clock, logger, timeoutMs: config.queryTimeoutMs }),
    },
    {
      name: 'notification-dispatch',
      intervalMs: Math.max(100, Math.round(config.jobIntervalMs / 3)),
      run: () => dispatchOutbox(db, { notifiers, clock, logger }),
    },
    {
      name: 'alertmanager-resend',
      intervalMs: Math.min(config.jobIntervalMs, config.alertResendDelayMs),
      run: () =>
        resendToAlertmanager(db, {
          notifiers,
          resendDelayMs: config.alertResendDelayMs,
          publicUrl: publicUrl(),
          clock,
        }),
    },
    {
      name: 'workflow-sweep',
      intervalMs: config.jobIntervalMs,
      run: () => sweepStuckWorkflows(db, { clock }),
    },
    {
      name: 'workflow-retention',
      intervalMs: config.maintenanceIntervalMs,
      run: () => pruneWorkflows(db, { retentionDays: config.workflowRetentionDays, clock }),
    },
    {
      name: 'service-edges',
      intervalMs: config.jobIntervalMs,
      run: () => aggregateServiceEdges(db, { clock }),
    },
  ];
}
