import { type Clock, systemClock } from '../clock.js';
import type { Database } from '../db/Database.js';
import { ValidationError } from '../errors.js';

/** Default age, in days since they closed, after which closed workflows are removed. */
export const DEFAULT_WORKFLOW_RETENTION_DAYS = 30;

/** Options of `pruneWorkflows`. */
export interface PruneWorkflowsOptions {
  /** Remove workflows closed more than this many days ago (default 30). */
  retentionDays?: number;
  /** Workflows removed per transaction (default 1,000), so locks and WAL stay small. */
  batchSize?: number;
  /** Stop after this many batches (default: until none is left). */
  maxBatches?: number;
  /** Source of time. Default: the system clock. */
  clock?: Clock;
}

/** What `pruneWorkflows` removed. */
export interface PruneWorkflowsResult {
  workflows: number;
  historyEntries: number;
  batches: number;
}

/**
 * Deletes completed, failed and cancelled workflows closed before the retention cutoff, with their
 * history and idempotency records, one batch per transaction. Open workflows are never touched:
 * only rows with a terminal status are selected, and terminal statuses cannot be left. Safe on
 * several processes (SKIP LOCKED).
 */
export async function pruneWorkflows(
  db: Database,
  options: PruneWorkflowsOptions = {},
): Promise<PruneWorkflowsResult> {
  const days = options.retentionDays ?? DEFAULT_WORKFLOW_RETENTION_DAYS;
  const batchSize = options.batchSize ?? 1000;
  if (!(days > 0)) throw new ValidationError(`retentionDays must be above 0 (got ${days}).`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValidationError(`batchSize must be a whole number above 0 (got ${batchSize}).`);
  const cutoff = new Date((options.clock ?? systemClock).now() - days * 86_400_000);
  const total: PruneWorkflowsResult = { workflows: 0, historyEntries: 0, batches: 0 };
  while (options.maxBatches === undefined || total.batches < options.maxBatches) {
    const result = await db.query<{ workflows: number; history: number }>(
      `WITH doomed AS (
         SELECT workflow_id FROM ${db.table('workflow_state')}
          WHERE status IN ('completed', 'failed', 'cancelled') AND closed_at < $1::timestamptz
          ORDER BY closed_at LIMIT $2::integer
          FOR UPDATE SKIP LOCKED
       ), history AS (
         DELETE FROM ${db.table('workflow_history')} h USING doomed d WHERE h.workflow_id = d.workflow_id
         RETURNING 1
       ), workflows AS (
         DELETE FROM ${db.table('workflow_state')} w USING doomed d WHERE w.workflow_id = d.workflow_id
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM workflows) AS workflows, (SELECT count(*) FROM history) AS history`,
      [cutoff, batchSize],
    );
    const row = result.rows[0]!;
    total.workflows += row.workflows;
    total.historyEntries += row.history;
    total.batches++;
    if (row.workflows < batchSize) break;
  }
  return total;
}
