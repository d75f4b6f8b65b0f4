import type { DatabaseSession } from '../db/Database.js';
import {
  ALERT_SUMMARY_COLUMNS,
  type LinkedAlert,
  MAX_LINKED_ALERTS,
  readLinkedAlerts,
} from './LinkedAlert.js';
import { parseLinkTraceId } from './linkInput.js';

/**
 * The alert episodes whose evaluation linked this trace (`alert_links`), newest first, at most 100.
 * Every one has `via: 'trace'`.
 */
export async function alertsOfTrace(db: DatabaseSession, traceId: string): Promise<LinkedAlert[]> {
  const id = parseLinkTraceId(traceId);
  return readLinkedAlerts(
    db,
    `SELECT ${ALERT_SUMMARY_COLUMNS}, 'trace' AS via
       FROM ${db.table('alert_links')} l JOIN ${db.table('alerts')} a ON a.id = l.alert_id
      WHERE l.link_kind = 'trace' AND l.link_id = $1
      ORDER BY a.triggered_at DESC, a.id DESC LIMIT ${MAX_LINKED_ALERTS}`,
    [id],
  );
}
