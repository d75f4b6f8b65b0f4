import type { DatabaseSession } from '../db/Database.js';
import { toHistoryEntry, toWorkflow, type Workflow, type WorkflowHistoryEntry } from './Workflow.js';

// Reads shared by the tracker and read-only callers (the HTTP API runs them in a read-only
// transaction). Ids must already be validated.

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
