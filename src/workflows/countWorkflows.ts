import { type Clock, systemClock } from '../clock.js';
import type { Database } from '../db/Database.js';
import { WORKFLOW_STATUSES, type WorkflowStatus } from './WorkflowDefinition.js';

/** Workflow counts for alert rules and dashboards. */
export interface WorkflowCounts {
  byStatus: Record<WorkflowStatus, number>;
  /** Open workflows marked stuck by a sweep. */
  stuck: number;
  /** Open workflows past their deadline that no sweep has marked yet. */
  overdue: number;
  /** Age in milliseconds of the oldest open workflow's current phase, 0 when none is open. */
  oldestOpenPhaseAgeMs: number;
}

/** Counts workflows (optionally of one type) by status, stuck and overdue, at the clock's now. */
export async function countWorkflows(
  db: Database,
  options: { type?: string; clock?: Clock } = {},
): Promise<WorkflowCounts> {
  const now = new Date((options.clock ?? systemClock).now());
  const result = await db.query<{
    status: WorkflowStatus;
    workflows: number;
    stuck: number;
    overdue: number;
    oldest: Date | null;
  }>(
    `SELECT status, count(*) AS workflows, count(*) FILTER (WHERE stuck) AS stuck,
            count(*) FILTER (WHERE NOT stuck AND due_at <= $1::timestamptz AND status IN ('pending', 'running')) AS overdue,
            min(phase_entered_at) FILTER (WHERE status IN ('pending', 'running')) AS oldest
       FROM ${db.table('workflow_state')}
      WHERE $2::text IS NULL OR workflow_type = $2::text
      GROUP BY status`,
    [now, options.type ?? null],
  );
  const counts: WorkflowCounts = {
    byStatus: Object.fromEntries(WORKFLOW_STATUSES.map((s) => [s, 0])) as Record<WorkflowStatus, number>,
    stuck: 0,
    overdue: 0,
    oldestOpenPhaseAgeMs: 0,
  };
  for (const row of result.rows) {
    counts.byStatus[row.status] = row.workflows;
    if (row.status === 'pending' || row.status === 'running') counts.stuck += row.stuck;
    counts.overdue += row.overdue;
    if (row.oldest)
      counts.oldestOpenPhaseAgeMs = Math.max(
        counts.oldestOpenPhaseAgeMs,
        now.getTime() - row.oldest.getTime(),
      );
  }
  return counts;
}
