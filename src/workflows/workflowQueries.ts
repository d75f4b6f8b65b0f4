import type { DatabaseSession } from '../db/Database.js';
import { checkKeysetCursor, type KeysetCursor } from '../db/keysetCursor.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { toHistoryEntry, toWorkflow, type Workflow, type WorkflowHistoryEntry } from './Workflow.js';
import { isWorkflowStatus, type WorkflowStatus } from './WorkflowDefinition.js';
import { isWorkflowId, parseCorrelationId } from './workflowInput.js';

// The one read path of workflows: the tracker, the JSON API (and so the CLI and the dashboard) read
// them through these functions; the API runs them in a read-only transaction. The single-workflow
// reads take ids already validated.

/** Time spent in one phase (from the `workflow_phase_durations` view). */
export interface PhaseDuration {
  phase: string | null;
  enteredAt: Date;
  /** Null while the workflow is still in the phase. */
  leftAt: Date | null;
  /** Up to `now` while the phase is still open. */
  durationMs: number;
}

export async function readWorkflow(db: DatabaseSession, workflowId: string): Promise<Workflow | undefined> {
  const result = await db.query(`SELECT * FROM ${db.table('workflow_state')} WHERE workflow_id = $1::uuid`, [
    workflowId,
  ]);
  return result.rows[0] ? toWorkflow(result.rows[0]) : undefined;
}

/** History entries oldest first (empty for an unknown workflow). */
export async function readHistory(db: DatabaseSession, workflowId: string): Promise<WorkflowHistoryEntry[]> {
  const result = await db.query(
    `SELECT * FROM ${db.table('workflow_history')} WHERE workflow_id = $1::uuid ORDER BY version, id`,
    [workflowId],
  );
  return result.rows.map(toHistoryEntry);
}

/** Phases oldest first, an open one counted up to `now` (ms); empty for an unknown workflow. */
export async function readPhaseDurations(
  db: DatabaseSession,
  workflowId: string,
  now: number,
): Promise<PhaseDuration[]> {
  const result = await db.query<{ phase: string | null; entered_at: Date; left_at: Date | null }>(
    `SELECT phase, entered_at, left_at FROM ${db.table('workflow_phase_durations')}
      WHERE workflow_id = $1::uuid ORDER BY entered_version`,
    [workflowId],
  );
  return result.rows.map((r) => ({
    phase: r.phase,
    enteredAt: r.entered_at,
    leftAt: r.left_at,
    durationMs: (r.left_at?.getTime() ?? now) - r.entered_at.getTime(),
  }));
}

/** Filters and page of `findWorkflows`; every filter optional, all given must hold. */
export interface WorkflowSearch {
  /** Only workflows in this status. Default: any status. */
  status?: WorkflowStatus | undefined;
  /** Only workflows of this type. Default: any type. */
  type?: string | undefined;
  /** Only stuck (true) or not stuck (false) workflows. Default: both. */
  stuck?: boolean | undefined;
  /** Only workflows of this correlation (trace) id. Default: any. */
  correlationId?: string | undefined;
  /** Page size, 1 to 10,000. Default 100. */
  limit?: number | undefined;
  /** `nextCursor` of the previous page: workflows created before its last one. */
  after?: KeysetCursor | undefined;
}

/** One page of `findWorkflows`, with the cursor of the next. */
export interface WorkflowPage {
  /** Newest first (created_at, then id, descending). */
  workflows: Workflow[];
  /** Pass it as `after` for the next page; null on the last page. */
  nextCursor: KeysetCursor | null;
}

/**
 * One page of workflows matching every filter, newest first (created_at, then id, descending),
 * keyset-paginated so inserts between pages neither repeat nor skip one. Throws ValidationError for
 * bad input.
 */
export async function findWorkflows(db: DatabaseSession, search: WorkflowSearch = {}): Promise<WorkflowPage> {
  const limit = search.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new ValidationError(`limit must be a whole number from 1 to 10000 (got ${limit}).`);
  if (search.status !== undefined && !isWorkflowStatus(search.status))
    throw new ValidationError(`Unknown workflow status ${JSON.stringify(search.status)}.`);
  if (search.after !== undefined) checkKeysetCursor(search.after, isWorkflowId);
  const correlationId =
    search.correlationId === undefined ? undefined : parseCorrelationId(search.correlationId);
  const { rows } = await db.query<{ cursor_at: number; workflow_id: string }>(
    `SELECT *, (extract(epoch FROM created_at) * 1000000)::int8 AS cursor_at FROM ${db.table('workflow_state')}
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR workflow_type = $2)
        AND ($3::boolean IS NULL OR stuck = $3) AND ($4::text IS NULL OR correlation_id = $4)
        AND ($5::int8 IS NULL OR (created_at, workflow_id) < ('epoch'::timestamptz + $5 * interval '1 microsecond', $6::uuid))
      ORDER BY created_at DESC, workflow_id DESC LIMIT $7`,
    [
      search.status ?? null,
      search.type ?? null,
      search.stuck ?? null,
      correlationId ?? null,
      search.after?.at ?? null,
      search.after?.id ?? null,
      limit + 1,
    ],
  );
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return {
    workflows: rows.slice(0, limit).map(toWorkflow),
    nextCursor: last ? { at: last.cursor_at, id: last.workflow_id } : null,
  };
}

/** One workflow with its history (oldest first) and time per phase; NotFoundError when unknown. */
export async function workflowDetail(
  db: DatabaseSession,
  workflowId: string,
  now: number,
): Promise<{ workflow: Workflow; history: WorkflowHistoryEntry[]; phases: PhaseDuration[] }> {
  const workflow = await readWorkflow(db, workflowId);
  if (!workflow) throw new NotFoundError(`workflow ${workflowId} not found`);
  return {
    workflow,
    history: await readHistory(db, workflowId),
    phases: await readPhaseDurations(db, workflowId, now),
  };
}
