import type { DatabaseSession } from '../db/Database.js';
import {
  ALERT_SUMMARY_COLUMNS,
  type LinkedAlert,
  MAX_LINKED_ALERTS,
  readLinkedAlerts,
} from './LinkedAlert.js';
import { parseLinkWorkflowId } from './linkInput.js';

/**
 * The alert episodes linked to a workflow directly (`via: 'workflow'`) or through one of its traces
 * (`via: 'trace'`, see the `workflow_traces` view), newest first, at most 100. An alert linked both
 * ways is listed once, as `'workflow'`.
 */
export async function alertsOfWorkflow(db: DatabaseSession, workflowId: string): Promise<LinkedAlert[]> {
  const id = parseLinkWorkflowId(workflowId);
  const links = db.table('alert_links');
  return readLinkedAlerts(
    db,
    `WITH linked AS (
       SELECT alert_id, true AS direct FROM ${links} WHERE link_kind = 'workflow' AND link_id = $1
       UNION ALL
       SELECT l.alert_id, false FROM ${db.table('workflow_traces')} t
         JOIN ${links} l ON l.link_kind = 'trace' AND l.link_id = t.trace_id
        WHERE t.workflow_id = $1::uuid
     ), per_alert AS (
       SELECT alert_id, bool_or(direct) AS direct FROM linked GROUP BY alert_id
     )
     SELECT ${ALERT_SUMMARY_COLUMNS}, CASE WHEN p.direct THEN 'workflow' ELSE 'trace' END AS via
       FROM per_alert p JOIN ${db.table('alerts')} a ON a.id = p.alert_id
      ORDER BY a.triggered_at DESC, a.id DESC LIMIT ${MAX_LINKED_ALERTS}`,
    [id],
  );
}
