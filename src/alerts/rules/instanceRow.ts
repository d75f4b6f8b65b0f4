import type { Severity } from '../Severity.js';
import type { AlertState, InstanceState } from './InstanceState.js';

/** A row of `alert_instances` (with the acknowledgement of its alert) as the drivers return it. */
export interface InstanceRow {
  rule_name: string;
  fingerprint: string;
  series_labels: Record<string, string>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertState;
  severity: Severity | null;
  value: number | null;
  active_since: Date | null;
  firing_since: Date | null;
  last_condition_at: Date | null;
  keep_firing_since: Date | null;
  resolved_at: Date | null;
  last_notified_at: Date | null;
  last_notified_status: 'firing' | 'resolved' | null;
  last_notified_severity: Severity | null;
  state_changes: number[];
  flapping: boolean;
  alert_id: number | null;
  last_error: string | null;
  updated_at: Date;
  acknowledged_at?: Date | null;
}

const ms = (d: Date | null) => (d === null ? null : d.getTime());
const date = (n: number | null) => (n === null ? null : new Date(n));

export function stateFromRow(row: InstanceRow): InstanceState {
  return {
    state: row.state,
    severity: row.severity,
    value: row.value,
    activeSince: ms(row.active_since),
    firingSince: ms(row.firing_since),
    lastConditionAt: ms(row.last_condition_at),
    keepFiringSince: ms(row.keep_firing_since),
    resolvedAt: ms(row.resolved_at),
    lastNotifiedAt: ms(row.last_notified_at),
    lastNotifiedStatus: row.last_notified_status,
    lastNotifiedSeverity: row.last_notified_severity,
    stateChanges: row.state_changes,
    flapping: row.flapping,
    error: row.last_error,
  };
}

/** Columns written from a state, in the order of INSTANCE_STATE_COLUMNS. */
export function stateParams(s: InstanceState): unknown[] {
  return [
    s.state,
    s.severity,
    s.value,
    date(s.activeSince),
    date(s.firingSince),
    date(s.lastConditionAt),
    date(s.keepFiringSince),
    date(s.resolvedAt),
    date(s.lastNotifiedAt),
    s.lastNotifiedStatus,
    s.lastNotifiedSeverity,
    JSON.stringify(s.stateChanges),
    s.flapping,
    s.error,
  ];
}

export const INSTANCE_STATE_COLUMNS = [
  'state',
  'severity',
  'value',
  'active_since',
  'firing_since',
  'last_condition_at',
  'keep_firing_since',
  'resolved_at',
  'last_notified_at',
  'last_notified_status',
  'last_notified_severity',
  'state_changes',
  'flapping',
  'last_error',
] as const;
