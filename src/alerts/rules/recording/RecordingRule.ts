import type { LabelMap } from '../AlertRule.js';

/**
 * A Prometheus recording rule: `expr` evaluated every `intervalMs`, each series of its result stored
 * as a sample of the series named `record` with the result's labels and `labels` (which win).
 */
export interface RecordingRule {
  /** The metric name the results are stored under. */
  record: string;
  /** A PromQL expression returning an instant vector or a scalar. */
  expr: string;
  /** Labels added to (or replacing those of) every result series. */
  labels: LabelMap;
  /** Evaluation interval in ms: the group's `interval`, default 60000. */
  intervalMs: number;
}

/** A recording rule of the rule file: its group and its index among the group's rules. */
export interface FileRecordingRule {
  group: string;
  position: number;
  rule: RecordingRule;
}
