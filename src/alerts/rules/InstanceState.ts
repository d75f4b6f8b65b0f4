import type { Severity } from '../Severity.js';

/** States of an alert instance; `nodata` and `error` are explicit and never count as a recovery. */
export const ALERT_STATES = ['inactive', 'pending', 'firing', 'resolved', 'nodata', 'error'] as const;
/** The state of an alert instance: one of `ALERT_STATES`. */
export type AlertState = (typeof ALERT_STATES)[number];

/** Everything the state machine needs to resume an alert instance; persisted in `alert_instances`. */
export interface InstanceState {
  state: AlertState;
  severity: Severity | null;
  value: number | null;
  /** When the condition started holding (the start of `pending`). */
  activeSince: number | null;
  /** Start of the current firing episode; kept through `nodata` and `error`. */
  firingSince: number | null;
  /** Last evaluation at which the condition held. */
  lastConditionAt: number | null;
  /** First evaluation at which a firing alert's condition no longer held (for `keepFiringForMs`). */
  keepFiringSince: number | null;
  resolvedAt: number | null;
  lastNotifiedAt: number | null;
  lastNotifiedStatus: 'firing' | 'resolved' | null;
  lastNotifiedSeverity: Severity | null;
  /** Times the alert started or stopped firing within the flap window. */
  stateChanges: number[];
  flapping: boolean;
  error: string | null;
}

export const initialInstanceState: InstanceState = {
  state: 'inactive',
  severity: null,
  value: null,
  activeSince: null,
  firingSince: null,
  lastConditionAt: null,
  keepFiringSince: null,
  resolvedAt: null,
  lastNotifiedAt: null,
  lastNotifiedStatus: null,
  lastNotifiedSeverity: null,
  stateChanges: [],
  flapping: false,
  error: null,
};

/** One instance's input at an evaluation. `absent`: the rule returned rows, none for this instance. */
export type EvaluationInput =
  | { kind: 'value'; value: number }
  | { kind: 'absent' }
  | { kind: 'nodata' }
  | { kind: 'error'; message: string };
