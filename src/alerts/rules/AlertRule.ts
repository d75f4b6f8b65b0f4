import type { Severity } from '../Severity.js';

/** Label or annotation names mapped to their values. */
export type LabelMap = Record<string, string>;

/**
 * Which series of the metric a metric source reads, beyond the labels: `service` (the resource's
 * `service.name`, one or any of several; default every service) and `resource` (resource attributes
 * the series' resource contains; default any).
 */
export interface MetricSeriesSelector {
  labels?: LabelMap;
  service?: string | string[];
  resource?: LabelMap;
}

/**
 * Where a rule's values come from. Metric sources read `metrics.metric_value` rows of one metric name.
 * `groupBy` keys are label keys, `service.name` (the service column) or `resource.<key>` (a resource
 * attribute); each key becomes a label of the alert instance.
 */
export type RuleSource =
  /** One value per label group: an aggregate of the samples in the window. */
  | ({
      kind: 'aggregate';
      metric: string;
      aggregate: 'avg' | 'min' | 'max' | 'sum' | 'count' | 'last';
      windowMs: number;
      groupBy?: string[];
    } & MetricSeriesSelector)
  /**
   * The p-quantile (0..1) over the window, via the `metric_percentile_filtered` SQL function; one
   * value per service with `groupBy: ['service.name']` (the only group-by a percentile takes).
   */
  | ({
      kind: 'percentile';
      metric: string;
      p: number;
      windowMs: number;
      groupBy?: string[];
    } & MetricSeriesSelector)
  /** Change per second over the window: summed deltas for counters, last minus first for gauges. */
  | ({ kind: 'rate'; metric: string; windowMs: number; groupBy?: string[] } & MetricSeriesSelector)
  /** 1 when the metric has no sample in the window, else 0. */
  | ({ kind: 'absent'; metric: string; windowMs: number } & MetricSeriesSelector)
  /**
   * Current average over `windowMs` divided by the median over the `baselineMs` before it (default
   * 7 days): 2 means twice the baseline. Groups without a positive baseline yield nothing.
   */
  | ({
      kind: 'baseline';
      metric: string;
      windowMs: number;
      baselineMs?: number;
      groupBy?: string[];
    } & MetricSeriesSelector)
  /**
   * The number of log records in the window matching every filter: `service` (`service.name`),
   * `severity` (minimum: trace, debug, info, warn, error, fatal or 1-24) and `q` (full-text over the
   * body, web-search syntax). `groupBy` may list `service.name` and `severity` (the severity name,
   * as the label `log.severity`: `severity` is the alert's own).
   * Without `groupBy` an empty window is the value 0, not "no data".
   */
  | {
      kind: 'logs';
      windowMs: number;
      service?: string;
      severity?: string | number;
      q?: string;
      groupBy?: ('service.name' | 'severity')[];
    }
  /**
   * Any read-only SQL returning a numeric `value` column; every other column is a label. Runs in a
   * READ ONLY transaction with a statement timeout (default: the evaluator's, 5 s). `$1` is the evaluation time.
   */
  | { kind: 'sql'; sql: string; timeoutMs?: number }
  /**
   * A PromQL expression evaluated at each evaluation time (instant query): each series it returns is
   * one alert instance, labelled with the series' labels (its metric name dropped). With a level
   * without threshold every returned series alerts, as a Prometheus alerting rule (`expr: x > 5`).
   */
  | { kind: 'promql'; expr: string };

/**
 * A threshold per severity; `resolveThreshold` (hysteresis) is where an active level stops. Only a
 * `promql` source takes a level without `threshold`: it holds for every series the expression returns.
 */
export interface RuleLevel {
  severity: Severity;
  threshold?: number;
  resolveThreshold?: number;
}

/** How a rule compares its value with a level's threshold. */
export type Comparison = '>' | '>=' | '<' | '<=';

/** What to do when the source returns no row at all: an explicit state, or treat as ok / alerting / unchanged. */
export type NoDataBehaviour = 'nodata' | 'ok' | 'alerting' | 'keep_last';
/** What to do when evaluation fails: an explicit state (never a recovery), alerting, or unchanged. */
export type ErrorBehaviour = 'error' | 'alerting' | 'keep_last';

/** An alerting rule, Prometheus/Grafana style. */
export interface AlertRuleDefinition {
  /** Unique; the `alertname` label. */
  name: string;
  source: RuleSource;
  /** How a value is compared with thresholds (default `>`). */
  comparison?: Comparison;
  /** One or more severities, each with its threshold. */
  levels: RuleLevel[];
  /** How long the condition must hold before firing (default 0). */
  forMs?: number;
  /** How long an alert keeps firing after the condition clears (default 0). */
  keepFiringForMs?: number;
  /** Evaluation interval (default 60 s). */
  intervalMs?: number;
  /** Extra labels on every alert of the rule; their values are templates, as annotations. */
  labels?: LabelMap;
  /**
   * Templates: `{{value}}`, `{{severity}}`, `{{labels.x}}`, `{{details.x}}`, and the Prometheus
   * spellings `{{ $value }}`, `{{ $labels.x }}` (default summary = name).
   */
  annotations?: LabelMap;
  /**
   * Default `nodata`; `ok` for a `promql` source (an expression that returns nothing means nothing
   * alerts, as in Prometheus).
   */
  noData?: NoDataBehaviour;
  /** Default `error`. */
  onError?: ErrorBehaviour;
  /** A firing alert notifies again after this long (default 4 h). */
  repeatIntervalMs?: number;
  /** Labels whose values group alerts into one notification (default `['alertname']`). */
  groupBy?: string[];
  /** Type written to the `alerts` table (default `rule`). */
  alertType?: string;
  /** State changes within `flapWindowMs` (default 1 h) at which the alert counts as flapping (default 4). */
  flapThreshold?: number;
  flapWindowMs?: number;
}

/** A rule with every default applied. */
export type AlertRule = Required<Omit<AlertRuleDefinition, 'labels' | 'annotations'>> & {
  labels: LabelMap;
  annotations: LabelMap;
};
