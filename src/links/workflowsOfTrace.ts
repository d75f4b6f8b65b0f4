import type { DatabaseSession } from '../db/Database.js';
import { parseLinkTraceId } from './linkInput.js';

/** A workflow a trace created or changed. */
export interface TraceWorkflow {
  workflowId: string;
  workflowType: string;
  /** The trace the workflow was created in. */
  correlationId: string;
  status: string;
  currentPhase: string | null;
  /** When this trace first and last touched the workflow (created it or changed its state). */
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** Workflows listed per trace: the first ones it touched. */
const MAX_WORKFLOWS = 100;

/**
 * The workflows a trace created (their correlation id is the trace id) or changed (a history entry
 * carries the trace id), through the `workflow_traces` view; oldest first, at most 100.
 */
export async function workflowsOfTrace(db: DatabaseSession, traceId: string): Promise<TraceWorkflow[]> {
  const id = parseLinkTraceId(traceId);
  const { rows } = await db.query<TraceWorkflow>(
    `SELECT w.workflow_id AS "workflowId", w.workflow_type AS "workflowType",
            w.correlation_id AS "correlationId", w.status, w.current_phase AS "currentPhase",
            t.first_seen_at AS "firstSeenAt", t.last_seen_at AS "lastSeenAt"
       FROM ${db.table('workflow_traces')} t JOIN ${db.table('workflow_state')} w USING (workflow_id)
      WHERE t.trace_id = $1
      ORDER BY t.first_seen_at, w.workflow_id LIMIT ${MAX_WORKFLOWS}`,
    [id],
  );
  return rows;
}
