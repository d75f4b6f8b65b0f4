import type { DatabaseSession } from '../db/Database.js';
import { ValidationError } from '../errors.js';
import { ALERT_STATES, type AlertState } from './rules/InstanceState.js';
import type { Severity } from './Severity.js';

/** An alert instance as listed for people (CLI, API). */
export interface AlertInstance {
  rule: string;
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertState;
  severity: Severity | null;
  value: number | null;
  firingSince: Date | null;
  lastNotifiedAt: Date | null;
  flapping: boolean;
  error: string | null;
  /** The `alerts` row of the current episode (for acknowledge). */
  alertId: number | null;
  acknowledgedBy: string | null;
  updatedAt: Date;
}

function checkStates(states: readonly AlertState[]): void {
  for (const s of states) {
    if (!ALERT_STATES.includes(s))
      throw new ValidationError(
        `state must be one of ${ALERT_STATES.join(', ')} (got ${JSON.stringify(s)}).`,
      );
  }
}

/** Alert instances in `states` (default: firing, nodata, error), most severe and oldest first. */
export async function listAlertInstances(
  db: DatabaseSession,
  options: { states?: readonly AlertState[]; rule?: string } = {},
): Promise<AlertInstance[]> {
  const states = options.states ?? ['firing', 'nodata', 'error'];
  checkStates(states);
  const result = await db.query<{
    rule_name: string;
    fingerprint: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    state: AlertState;
    severity: Severity | null;
    value: number | null;
    firing_since: Date | null;
    last_notified_at: Date | null;
    flapping: boolean;
    last_error: string | null;
    alert_id: number | null;
    acknowledged_by: string | null;
    updated_at: Date;
  }>(
    `SELECT i.rule_name, i.fingerprint, i.labels, i.annotations, i.state, i.severity, i.value, i.firing_since,
            i.last_notified_at, i.flapping, i.last_error, i.alert_id, a.acknowledged_by, i.updated_at
       FROM ${db.table('alert_instances')} i LEFT JOIN ${db.table('alerts')} a ON a.id = i.alert_id
      WHERE i.state = ANY($1::text[]) AND ($2::text IS NULL OR i.rule_name = $2)
      ORDER BY CASE i.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, i.firing_since NULLS LAST, i.rule_name`,
    [[...states], options.rule ?? null],
  );
  return result.rows.map((r) => ({
    rule: r.rule_name,
    fingerprint: r.fingerprint,
    labels: r.labels,
    annotations: r.annotations,
    state: r.state,
    severity: r.severity,
    value: r.value,
    firingSince: r.firing_since,
    lastNotifiedAt: r.last_notified_at,
    flapping: r.flapping,
    error: r.last_error,
    alertId: r.alert_id,
    acknowledgedBy: r.acknowledged_by,
    updatedAt: r.updated_at,
  }));
}

export interface HistoryEntry {
  id: number;
  rule: string;
  fingerprint: string;
  labels: Record<string, string>;
  from: AlertState;
  to: AlertState;
  severity: Severity | null;
  /** The value that caused the change (null for no data and errors). */
  value: number | null;
  error: string | null;
  at: Date;
}

/** State changes, newest first: of one instance, one rule, or all; since a time; at most `limit` (default 100). */
export async function getAlertHistory(
  db: DatabaseSession,
  options: { fingerprint?: string; rule?: string; since?: Date; limit?: number } = {},
): Promise<HistoryEntry[]> {
  const limit = options.limit ?? 100;
  if (!(Number.isInteger(limit) && limit > 0))
    throw new ValidationError(`limit must be a whole number above 0 (got ${limit}).`);
  const result = await db.query<{
    id: number;
    rule_name: string;
    fingerprint: string;
    labels: Record<string, string>;
    from_state: AlertState;
    to_state: AlertState;
    severity: Severity | null;
    value: number | null;
    error: string | null;
    changed_at: Date;
  }>(
    `SELECT id, rule_name, fingerprint, labels, from_state, to_state, severity, value, error, changed_at
       FROM ${db.table('alert_history')}
      WHERE ($1::text IS NULL OR fingerprint = $1) AND ($2::text IS NULL OR rule_name = $2)
        AND ($3::timestamptz IS NULL OR changed_at >= $3)
      ORDER BY changed_at DESC, id DESC LIMIT $4`,
    [options.fingerprint ?? null, options.rule ?? null, options.since ?? null, limit],
  );
  return result.rows.map((r) => ({
    id: r.id,
    rule: r.rule_name,
    fingerprint: r.fingerprint,
    labels: r.labels,
    from: r.from_state,
    to: r.to_state,
    severity: r.severity,
    value: r.value,
    error: r.error,
    at: r.changed_at,
  }));
}
