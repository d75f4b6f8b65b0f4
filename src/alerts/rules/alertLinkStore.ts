import type { DatabaseSession } from '../../db/Database.js';
import type { LinkedIds } from '../notifiers/notificationLinks.js';

/** One thing an alert's evaluation involved: a trace (with the exemplar value behind it) or a workflow. */
export interface AlertLink {
  alertId: number;
  kind: 'trace' | 'workflow';
  id: string;
  value: number | null;
}

/** Links of one kind read per alert for a notification. */
export const NOTIFIED_LINK_LIMIT = 5;

const UUID_TEXT = "'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'";

/**
 * Upserts `links` into `alert_links` in the caller's transaction: new ones get `first_seen_at = at`,
 * known ones move `last_seen_at` forward and keep the highest value. One statement for all.
 */
export async function recordAlertLinks(
  tx: DatabaseSession,
  links: readonly AlertLink[],
  at: number,
): Promise<void> {
  // One row per key: ON CONFLICT cannot update a row twice in one statement.
  const unique = new Map<string, AlertLink>();
  for (const l of links) {
    const key = `${l.alertId}:${l.kind}:${l.id}`;
    const seen = unique.get(key);
    if (!seen || (l.value ?? -Infinity) > (seen.value ?? -Infinity)) unique.set(key, l);
  }
  if (unique.size === 0) return;
  const rows = [...unique.values()];
  await tx.query(
    `INSERT INTO ${tx.table('alert_links')} (alert_id, link_kind, link_id, value, first_seen_at, last_seen_at)
     SELECT a, k, i, v, $5, $5 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::double precision[]) AS t(a, k, i, v)
     ON CONFLICT (alert_id, link_kind, link_id) DO UPDATE SET
       value = greatest(alert_links.value, EXCLUDED.value),
       last_seen_at = greatest(alert_links.last_seen_at, EXCLUDED.last_seen_at)`,
    [
      rows.map((r) => r.alertId),
      rows.map((r) => r.kind),
      rows.map((r) => r.id),
      rows.map((r) => r.value),
      new Date(at),
    ],
  );
}

/**
 * The traces (highest value first, then most recent) and workflows (most recent first, with their
 * correlation ids) linked to each of `alertIds`, at most NOTIFIED_LINK_LIMIT of each per alert.
 */
export async function linksOfAlerts(
  tx: DatabaseSession,
  alertIds: readonly number[],
): Promise<Map<number, LinkedIds>> {
  const result = new Map<number, { traces: string[]; workflows: LinkedIds['workflows'][number][] }>();
  if (alertIds.length === 0) return result;
  const rows = await tx.query<{
    alert_id: number;
    link_kind: 'trace' | 'workflow';
    link_id: string;
    correlation_id: string | null;
  }>(
    `SELECT l.alert_id, l.link_kind, l.link_id, ws.correlation_id
       FROM (SELECT alert_id, link_kind, link_id,
                    row_number() OVER (PARTITION BY alert_id, link_kind
                                       ORDER BY value DESC NULLS LAST, last_seen_at DESC, link_id) AS n
               FROM ${tx.table('alert_links')} WHERE alert_id = ANY($1::bigint[])) AS l
       LEFT JOIN ${tx.table('workflow_state')} ws
              ON l.link_kind = 'workflow'
             AND ws.workflow_id = CASE WHEN l.link_id ~ ${UUID_TEXT} THEN l.link_id::uuid END
      WHERE l.n <= ${NOTIFIED_LINK_LIMIT}
      ORDER BY l.alert_id, l.link_kind, l.n`,
    [alertIds],
  );
  for (const r of rows.rows) {
    const id = Number(r.alert_id);
    const entry = result.get(id) ?? { traces: [], workflows: [] };
    if (r.link_kind === 'trace') entry.traces.push(r.link_id);
    else entry.workflows.push({ workflowId: r.link_id, correlationId: r.correlation_id });
    result.set(id, entry);
  }
  return result;
}
