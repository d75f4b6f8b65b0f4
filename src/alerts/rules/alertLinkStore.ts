import type { DatabaseSession } from '../../db/Database.js';
import { alertLinks } from '../../links/alertLinks.js';
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
 * What each of `alertIds` links to, for its notification: the traces (highest value first) and the
 * workflows, named directly or created or changed by a linked trace (see `alertLinks`), at most
 * NOTIFIED_LINK_LIMIT of each.
 */
export async function linksOfAlerts(
  tx: DatabaseSession,
  alertIds: readonly number[],
): Promise<Map<number, LinkedIds>> {
  const result = new Map<number, LinkedIds>();
  for (const id of new Set(alertIds)) {
    const { traces, workflows } = await alertLinks(tx, id);
    result.set(id, {
      traces: traces.slice(0, NOTIFIED_LINK_LIMIT).map((t) => t.traceId),
      workflows: workflows
        .slice(0, NOTIFIED_LINK_LIMIT)
        .map(({ workflowId, correlationId }) => ({ workflowId, correlationId })),
    });
  }
  return result;
}
