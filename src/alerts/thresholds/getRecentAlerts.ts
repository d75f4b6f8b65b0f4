import { type Clock, systemClock } from '../../clock.js';
import type { DatabaseSession } from '../../db/Database.js';
import { ValidationError } from '../../errors.js';
import { assertSeverity, type Severity } from '../Severity.js';
import type { StoredAlert } from './Alert.js';

/** Filters of `getRecentAlerts`. */
export interface RecentAlertsQuery {
  type?: string;
  severity?: Severity;
  /** How far back (default 24). */
  hours?: number;
  /** At most this many, newest first (default 100). */
  limit?: number;
  clock?: Clock;
}

interface AlertRow {
  id: number;
  alert_type: string;
  severity: Severity;
  title: string;
  message: string;
  triggered_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  metadata: Record<string, unknown>;
  fingerprint: string | null;
  rule_name: string | null;
  resolved_at: Date | null;
}

export function toStoredAlert(row: AlertRow): StoredAlert {
  return {
    id: row.id,
    alertType: row.alert_type,
    severity: row.severity,
    title: row.title,
    message: row.message,
    metadata: row.metadata,
    triggeredAt: row.triggered_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    fingerprint: row.fingerprint,
    ruleName: row.rule_name,
    resolvedAt: row.resolved_at,
  };
}

export const ALERT_COLUMNS =
  'id, alert_type, severity, title, message, triggered_at, acknowledged_at, acknowledged_by, metadata, fingerprint, rule_name, resolved_at';

/** Alerts of the last `hours` (default 24), newest first, at most `limit` (default 100). */
export async function getRecentAlerts(
  db: DatabaseSession,
  query: RecentAlertsQuery = {},
): Promise<StoredAlert[]> {
  const hours = query.hours ?? 24;
  const limit = query.limit ?? 100;
  if (!(Number.isFinite(hours) && hours > 0))
    throw new ValidationError(`hours must be above 0 (got ${hours}).`);
  if (!(Number.isInteger(limit) && limit > 0)) {
    throw new ValidationError(`limit must be a whole number above 0 (got ${limit}).`);
  }
  if (query.severity !== undefined) assertSeverity(query.severity);
  const now = (query.clock ?? systemClock).now();
  const result = await db.query<AlertRow>(
    `SELECT ${ALERT_COLUMNS} FROM ${db.table('alerts')}
      WHERE triggered_at >= $1 AND ($2::text IS NULL OR alert_type = $2) AND ($3::text IS NULL OR severity = $3)
      ORDER BY triggered_at DESC, id DESC LIMIT $4`,
    [new Date(now - hours * 3_600_000), query.type ?? null, query.severity ?? null, limit],
  );
  return result.rows.map(toStoredAlert);
}
