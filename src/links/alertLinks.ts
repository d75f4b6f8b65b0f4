import type { DatabaseSession } from '../db/Database.js';
import { NotFoundError } from '../errors.js';
import {
  ALERT_SUMMARY_COLUMNS,
  type AlertSummary,
  type AlertSummaryRow,
  toAlertSummary,
} from './LinkedAlert.js';
import { parseLinkAlertId } from './linkInput.js';

/** A trace an alert episode's evaluation involved. */
export interface AlertLinkedTrace {
  traceId: string;
  /** The observed value that linked it (an exemplar's value); null when there is none. */
  value: number | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** A workflow an alert episode involved, directly or through one of its linked traces. */
export interface AlertLinkedWorkflow {
  workflowId: string;
  workflowType: string;
  correlationId: string;
  status: string;
  currentPhase: string | null;
}

/** What an alert episode involved: the traces and workflows recorded for it, with dashboard URLs. */
export interface AlertLinks {
  alert: AlertSummary;
  traces: AlertLinkedTrace[];
  workflows: AlertLinkedWorkflow[];
}

/** Traces and workflows listed per alert. */
const MAX_LINKS = 100;

/**
 * What one alert episode (`alerts.id`) is linked to: its traces (highest value first, at most 100)
 * and its workflows, named directly or created or changed by a linked trace (oldest first, at most
 * 100). NotFoundError when there is no such alert.
 */
export async function alertLinks(db: DatabaseSession, alertId: number): Promise<AlertLinks> {
  const id = parseLinkAlertId(alertId);
  const links = db.table('alert_links');
  const alert = await db.query<AlertSummaryRow>(
    `SELECT ${ALERT_SUMMARY_COLUMNS} FROM ${db.table('alerts')} a WHERE a.id = $1`,
    [id],
  );
  const row = alert.rows[0];
  if (!row) throw new NotFoundError(`alert ${id} not found`);
  const traces = await db.query<AlertLinkedTrace>(
    `SELECT link_id AS "traceId", value, first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt"
       FROM ${links} WHERE alert_id = $1 AND link_kind = 'trace'
      ORDER BY value DESC NULLS LAST, last_seen_at DESC, link_id LIMIT ${MAX_LINKS}`,
    [id],
  );
  // A workflow link names a workflow id as text; one that is not a UUID names no workflow.
  const workflows = await db.query<AlertLinkedWorkflow>(
    `WITH linked AS (
       SELECT link_id::uuid AS workflow_id FROM ${links}
        WHERE alert_id = $1 AND link_kind = 'workflow'
          AND link_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
       UNION
       SELECT t.workflow_id FROM ${links} l
        CROSS JOIN LATERAL (
          -- OFFSET 0 keeps the lookup per trace, so the view is read through its indexes, not grouped whole.
          SELECT workflow_id FROM ${db.table('workflow_traces')} v WHERE v.trace_id = l.link_id OFFSET 0) t
        WHERE l.alert_id = $1 AND l.link_kind = 'trace'
     )
     SELECT w.workflow_id AS "workflowId", w.workflow_type AS "workflowType",
            w.correlation_id AS "correlationId", w.status, w.current_phase AS "currentPhase"
       FROM linked JOIN ${db.table('workflow_state')} w USING (workflow_id)
      ORDER BY w.created_at, w.workflow_id LIMIT ${MAX_LINKS}`,
    [id],
  );
  return { alert: toAlertSummary(row), traces: traces.rows, workflows: workflows.rows };
}
