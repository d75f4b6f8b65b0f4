import type { DatabaseSession } from '../db/Database.js';
import { ValidationError } from '../errors.js';
import { ALERT_STATES, type AlertState } from './rules/InstanceState.js';
import type { Severity } from './Severity.js';
import { silences } from './silences/Silence.js';
import { listSilences } from './silences/silenceStore.js';

/** An alert as listed for people (CLI, API, dashboard): a rule's instance or an open threshold-check alert. */
export interface AlertInstance {
  /** `rule`: an instance of an alert rule; `threshold`: an alert of the threshold checks (`deliverAlert`). */
  origin: 'rule' | 'threshold';
  /** The rule's name, or the threshold alert's title (its `alertname`). */
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
  /** The `alerts` row of the current episode (for acknowledge and resolve). */
  alertId: number | null;
  acknowledgedBy: string | null;
  /** The id of an active silence matching its labels (it changes state but does not notify), else null. */
  silencedBy: number | null;
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

/** How long a resolved threshold-check alert stays listed (rule instances stay until they go stale). */
const RESOLVED_THRESHOLD_MS = 24 * 3_600_000;

/** The value a threshold check measured, from the metadata it stored (null for other alerts). */
const THRESHOLD_VALUE = `COALESCE(${['current_value', 'issue_count', 'usage_percent', 'error_count']
  .map((k) => `CASE WHEN jsonb_typeof(a.metadata->'${k}') = 'number' THEN (a.metadata->>'${k}')::float8 END`)
  .join(', ')})`;

/**
 * Alerts in `states` (default: firing, nodata, error), most severe and oldest first: the instances of
 * alert rules and the alerts of the threshold checks in one list. A threshold alert is `firing` from
 * its first open delivery until resolved (`resolveThresholdAlert`, `resolveAlert`), then `resolved`
 * for a day; its repeated deliveries are one entry, the newest `alerts` row its `alertId`.
 */
export async function listAlertInstances(
  db: DatabaseSession,
  options: { states?: readonly AlertState[]; rule?: string; now?: number } = {},
): Promise<AlertInstance[]> {
  const states = options.states ?? ['firing', 'nodata', 'error'];
  checkStates(states);
  const now = options.now ?? Date.now();
  const result = await db.query<{
    origin: 'rule' | 'threshold';
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
    alert_id: number | string | null;
    acknowledged_by: string | null;
    updated_at: Date;
  }>(
    `WITH threshold AS (
       SELECT fingerprint, max(id) AS alert_id,
              min(triggered_at) FILTER (WHERE resolved_at IS NULL) AS firing_since,
              bool_or(resolved_at IS NULL) AS open, greatest(max(triggered_at), max(resolved_at)) AS updated_at
         FROM ${db.table('alerts')}
        WHERE rule_name IS NULL AND fingerprint IS NOT NULL AND (resolved_at IS NULL OR resolved_at >= $3)
        GROUP BY fingerprint),
     listed AS (
       SELECT 'rule' AS origin, i.rule_name, i.fingerprint, i.labels, i.annotations, i.state, i.severity, i.value,
              i.firing_since, i.last_notified_at, i.flapping, i.last_error, i.alert_id, a.acknowledged_by, i.updated_at
         FROM ${db.table('alert_instances')} i LEFT JOIN ${db.table('alerts')} a ON a.id = i.alert_id
       UNION ALL
       SELECT 'threshold', a.title, t.fingerprint, a.labels,
              jsonb_build_object('summary', a.title, 'description', a.message),
              CASE WHEN t.open THEN 'firing' ELSE 'resolved' END, a.severity, ${THRESHOLD_VALUE},
              t.firing_since, NULL, false, NULL, a.id, a.acknowledged_by, t.updated_at
         FROM threshold t JOIN ${db.table('alerts')} a ON a.id = t.alert_id)
     SELECT * FROM listed
      WHERE state = ANY($1::text[]) AND ($2::text IS NULL OR rule_name = $2)
      ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, firing_since NULLS LAST, rule_name`,
    [[...states], options.rule ?? null, new Date(now - RESOLVED_THRESHOLD_MS)],
  );
  const active = (await listSilences(db, { clock: { now: () => now } })).filter(
    (s) => s.startsAt.getTime() <= now,
  );
  return result.rows.map((r) => ({
    origin: r.origin,
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
    alertId: r.alert_id === null ? null : Number(r.alert_id),
    acknowledgedBy: r.acknowledged_by,
    silencedBy: active.find((s) => silences(s, r.labels, now))?.id ?? null,
    updatedAt: r.updated_at,
  }));
}

/** One state change of an alert instance, as `getAlertHistory` returns it. */
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
