import type { DatabaseSession } from '../db/Database.js';
import { parseLinkWorkflowId } from './linkInput.js';

/** A trace that created or changed a workflow, summarised from its stored spans. */
export interface WorkflowTrace {
  traceId: string;
  /** When the trace first and last touched the workflow. */
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** The root span's operation and service (the earliest span's when no root is stored); null when no span is stored. */
  rootOperation: string | null;
  serviceName: string | null;
  /** First span start to last span end; null when no span is stored. */
  durationMs: number | null;
  /** 0 when no span is stored. */
  spanCount: number;
  errorCount: number;
}

/** Traces listed per workflow: the newest ones. */
const MAX_TRACES = 100;

/**
 * The traces that created or changed a workflow (the `workflow_traces` view), newest first
 * (by when they last touched it), at most 100, each with its root operation, duration, span and
 * error counts from `spans`.
 */
export async function tracesOfWorkflow(db: DatabaseSession, workflowId: string): Promise<WorkflowTrace[]> {
  const id = parseLinkWorkflowId(workflowId);
  const spans = db.table('spans');
  const { rows } = await db.query<WorkflowTrace>(
    `WITH linked AS (
       SELECT trace_id, first_seen_at, last_seen_at FROM ${db.table('workflow_traces')}
        WHERE workflow_id = $1 ORDER BY last_seen_at DESC, trace_id LIMIT ${MAX_TRACES}
     )
     SELECT l.trace_id AS "traceId", l.first_seen_at AS "firstSeenAt", l.last_seen_at AS "lastSeenAt",
            r.operation_name AS "rootOperation", r.service_name AS "serviceName",
            extract(epoch FROM (s.end_time - s.start_time)) * 1000 AS "durationMs",
            s.span_count AS "spanCount", s.error_count AS "errorCount"
       FROM linked l
       CROSS JOIN LATERAL (
         SELECT min(start_time) AS start_time, max(end_time) AS end_time, count(*)::int AS span_count,
                (count(*) FILTER (WHERE status = 'error'))::int AS error_count
           FROM ${spans} WHERE trace_id = l.trace_id) s
       LEFT JOIN LATERAL (
         SELECT operation_name, service_name FROM ${spans} WHERE trace_id = l.trace_id
          ORDER BY parent_span_id IS NOT NULL, start_time, span_id LIMIT 1) r ON true
      ORDER BY l.last_seen_at DESC, l.trace_id`,
    [id],
  );
  return rows;
}
