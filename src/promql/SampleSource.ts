/**
 * The seam between the PromQL engine and storage: the engine asks for the samples of the series that
 * match a selector's label matchers within a time range, and evaluates everything else in memory.
 * Storage implementations push the matching and the time range down into SQL.
 */

/** A label set; the metric name is the `__name__` label. */
export type Labels = Readonly<Record<string, string>>;

export type MatchType = '=' | '!=' | '=~' | '!~';

/** One label matcher of a selector; regular expressions are fully anchored, as in Prometheus. */
export interface LabelMatcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
}

/**
 * The samples of one series within the asked range, in time order. `stale[i]` marks a staleness
 * marker (the series ended there); its value is NaN and it is never returned as a sample.
 */
export interface SeriesSamples {
  readonly labels: Labels;
  /** Milliseconds since the epoch, ascending. A Float64Array is taken without copying. */
  readonly timestamps: readonly number[] | Float64Array;
  readonly values: readonly number[] | Float64Array;
  /** Absent when the series has no staleness marker in the range. */
  readonly stale?: readonly boolean[];
}

/** Bounds the work of one query: a clear error instead of running out of memory. */
export interface SelectLimits {
  /** Stop and throw a `QueryLimitError` once this many samples would be loaded. */
  readonly maxSamples: number;
}

/** One stored exemplar, as Prometheus's `/api/v1/query_exemplars` shows it. */
export interface Exemplar {
  /** `trace_id`, `span_id` and the exemplar's other attributes. */
  readonly labels: Labels;
  readonly value: number;
  readonly timestampMs: number;
}

/** The exemplars of one series, oldest first. */
export interface SeriesExemplars {
  readonly seriesLabels: Labels;
  readonly exemplars: readonly Exemplar[];
}

export interface SampleSource {
  /**
   * The series matching all `matchers` with their samples in `[startMs, endMs]` (both inclusive).
   * Series without samples in the range may be omitted.
   */
  select(
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
    limits: SelectLimits,
  ): Promise<SeriesSamples[]>;
  /** Label sets of the series matching all `matchers` that have samples in the range. */
  matchingSeries(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<Labels[]>;
  /** Label names, and the values of one label, over series with samples in the range. */
  labelNames(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<string[]>;
  labelValues(
    name: string,
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
  ): Promise<string[]>;
  /** Exemplars observed in the range on the series matching all `matchers`; none when not kept. */
  exemplars?(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<SeriesExemplars[]>;
}
