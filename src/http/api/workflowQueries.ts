import type { DatabaseSession } from '../../db/Database.js';
import { NotFoundError } from '../../errors.js';
import { toWorkflow, type Workflow, type WorkflowHistoryEntry } from '../../workflows/Workflow.js';
import type { WorkflowStatus } from '../../workflows/WorkflowDefinition.js';
import {
  type PhaseDuration,
  readHistory,
  readPhaseDurations,
  readWorkflow,
} from '../../workflows/workflowReads.js';
import type { PageCursor } from './pageCursor.js';

export interface WorkflowFilter {
  status?: WorkflowStatus | undefined;
  type?: string | undefined;
  stuck?: boolean | undefined;
  correlationId?: string | undefined;
  /** Workflows created before this position (the previous page's last one). */
  after?: PageCursor | undefined;
  limit: number;
}

/** One page of workflows, newest first (created_at, then id, descending), and where the next starts. */
export async function findWorkflows(
  tx: DatabaseSession,
  filter: WorkflowFilter,
): Promise<{ workflows: Workflow[]; nextCursor: PageCursor | null }> {
  const { rows } = await tx.query<{ cursor_at: number; workflow_id: string }>(
    `SELECT *, (extract(epoch FROM created_at) * 1000000)::int8 AS cursor_at FROM ${tx.table('workflow_state')}
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR workflow_type = $2)
        AND ($3::boolean IS NULL OR stuck = $3) AND ($4::text IS NULL OR correlation_id = $4)
        AND ($5::int8 IS NULL OR (created_at, workflow_id) < ('epoch'::timestamptz + $5 * interval '1 microsecond', $6::uuid))
      ORDER BY created_at DESC, workflow_id DESC LIMIT $7`,
    [
      filter.status ?? null,
      filter.type ?? null,
      filter.stuck ?? null,
      filter.correlationId ?? null,
      filter.after?.at ?? null,
      filter.after?.id ?? null,
      filter.limit + 1,
    ],
  );
  const last = rows.length > filter.limit ? rows[filter.limit - 1] : undefined;
  return {
    workflows: rows.slice(0, filter.limit).map(toWorkflow),
    nextCursor: last ? { at: last.cursor_at, id: last.workflow_id } : null,
  };
}

/** One workflow with its history (oldest first) and time per phase; NotFoundError when unknown. */
export async function workflowDetail(
  tx: DatabaseSession,
  workflowId: string,
  now: number,
): Promise<{ workflow: Workflow; history: WorkflowHistoryEntry[]; phases: PhaseDuration[] }> {
  const workflow = await readWorkflow(tx, workflowId);
  if (!workflow) throw new NotFoundError(`workflow ${workflowId} not found`);
  return {
    workflow,
    history: await readHistory(tx, workflowId),
    phases: await readPhaseDurations(tx, workflowId, now),
  };
}
