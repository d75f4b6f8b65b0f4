import type { Clock } from '../clock.js';
import type { ExemplarReservoir } from './ExemplarReservoir.js';
import { LabelTrie } from './LabelTrie.js';
import { type CanonicalLabels, canonicalLabels, type Labels, labelKey } from './labelKey.js';
import { GaugeSeries, HistogramSeries, type Series, SumSeries } from './Series.js';

/** The four instrument kinds. Up-down counters are stored as `counter` rows whose deltas may be negative. */
export type InstrumentKind = 'counter' | 'updowncounter' | 'gauge' | 'histogram';

/** `metric_type` of the stored rows. */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export function storedType(kind: InstrumentKind): MetricType {
  return kind === 'updowncounter' ? 'counter' : kind;
}

/** Options of an instrument (`createCounter`, `createHistogram`...). */
export interface InstrumentOptions {
  /** Human description, stored in `metric_descriptions` and shown as Prometheus HELP. Default: none. */
  description?: string;
  /** Unit (UCUM, e.g. `ms`, `s`, `By`, `1`). A histogram with unit `s` times in seconds, else milliseconds. Default: none. */
  unit?: string;
  /** Store every observation as its own row (exact percentiles) instead of one aggregate per interval. Default false. */
  raw?: boolean;
  /** Histograms: `le` bounds of the Prometheus exposition (default OpenTelemetry's, suited to milliseconds). */
  buckets?: readonly number[];
}

/** Label set attached to observations that exceed the series cap (OpenTelemetry's convention). */
export const OVERFLOW_LABELS: CanonicalLabels = { otel_metric_overflow: 'true' };

/** What an instrument needs from its collector: a clock, and somewhere to report and to keep raw rows. */
export interface InstrumentSink {
  readonly clock: Clock;
  /** Counts a refused observation and reports it once per metric and reason. */
  invalid(metricName: string, reason: string): void;
  /** Counts an observation folded into the overflow series. */
  overflowed(instrument: Instrument): void;
  /** Keeps one observation of a raw-mode instrument as its own row. */
  raw(instrument: Instrument, series: Series, value: number): void;
  /** A new series' exemplar sample, or undefined when exemplars are off. */
  reservoir(): ExemplarReservoir | undefined;
}

/** Why a value is refused by this kind of instrument, or undefined when it is acceptable. */
function valueProblem(kind: InstrumentKind, value: unknown): string | undefined {
  // x - x is 0 for finite numbers only (NaN and ±Infinity give NaN).
  if (typeof value !== 'number' || value - value !== 0) return 'value is not a finite number';
  if (kind === 'counter' && value < 0) return 'counter increment is negative';
  return undefined;
}

/**
 * One named instrument and its series. Recording never throws and never waits: a bad value or label
 * set is counted and reported once; past `maxSeries` label sets, observations fold into one overflow series.
 */
export class Instrument {
  readonly series = new Map<string, Series>();
  readonly raw: boolean;
  /** Fast path from a caller's label object to its series; `series` holds them by canonical key. */
  private readonly lookup: LabelTrie<Series>;
  private overflow: Series | undefined;

  constructor(
    readonly name: string,
    readonly kind: InstrumentKind,
    readonly options: InstrumentOptions,
    private readonly maxSeries: number,
    protected readonly sink: InstrumentSink,
  ) {
    this.raw = options.raw === true;
    this.lookup = new LabelTrie(Math.max(16, maxSeries * 4));
  }

  /** Records one observation (counter/up-down increment, gauge value or histogram sample). */
  record(value: number, labels?: Labels): void {
    try {
      const problem = valueProblem(this.kind, value);
      if (problem !== undefined) {
        this.sink.invalid(this.name, problem);
        return;
      }
      const series = this.lookup.get(labels) ?? this.slowResolve(labels);
      if (series !== undefined) this.apply(series, value);
    } catch (error) {
      this.sink.invalid(this.name, `recording failed: ${(error as Error)?.message}`);
    }
  }

  /** Records into a series already resolved (bound handles). */
  recordInto(series: Series, value: number): void {
    const problem = valueProblem(this.kind, value);
    if (problem === undefined) this.apply(series, value);
    else this.sink.invalid(this.name, problem);
  }

  private apply(series: Series, value: number): void {
    if (this.raw) this.sink.raw(this, series, value);
    series.observe(value);
    series.exemplars?.offer(value);
  }

  /** The series of a label set, created if new; undefined (counted) when the label set is invalid. */
  resolve(labels?: Labels): Series | undefined {
    try {
      return this.lookup.get(labels) ?? this.slowResolve(labels);
    } catch (error) {
      this.sink.invalid(this.name, `labels failed: ${(error as Error)?.message}`);
      return undefined;
    }
  }

  /** By canonical key (any key order), creating the series if new; remembered on the fast path. */
  private slowResolve(labels: Labels | undefined): Series | undefined {
    const series = this.series.get(labelKey(labels)) ?? this.addSeries(labels);
    if (series !== undefined && series !== this.overflow) this.lookup.set(labels, series);
    return series;
  }

  private addSeries(labels: Labels | undefined): Series | undefined {
    if (this.series.size >= this.maxSeries) {
      this.sink.overflowed(this);
      this.overflow ??= this.newSeries(OVERFLOW_LABELS);
      return this.overflow;
    }
    const canonical = canonicalLabels(labels);
    if (typeof canonical === 'string') {
      this.sink.invalid(this.name, canonical);
      return undefined;
    }
    const series = this.newSeries(canonical);
    this.series.set(labelKey(canonical), series);
    return series;
  }

  private newSeries(labels: CanonicalLabels): Series {
    if (this.kind === 'gauge') return new GaugeSeries(labels);
    if (this.kind === 'histogram') return new HistogramSeries(labels, this.sink.reservoir());
    return new SumSeries(labels, this.sink.reservoir());
  }

  /** Every series, the overflow one last. */
  allSeries(): Series[] {
    const all = [...this.series.values()];
    if (this.overflow) all.push(this.overflow);
    return all;
  }

  /** Milliseconds (or seconds for unit `s`) elapsed since `start` on the collector's clock. */
  elapsedSince(start: number): number {
    const ms = this.sink.clock.now() - start;
    return this.options.unit === 's' ? ms / 1000 : ms;
  }

  now(): number {
    return this.sink.clock.now();
  }
}

/**
 * Stands in for an instrument that could not be created (invalid name, name taken by another kind):
 * every observation is refused and counted, nothing throws.
 */
export class RefusedInstrument extends Instrument {
  constructor(
    name: string,
    kind: InstrumentKind,
    private readonly reason: string,
    sink: InstrumentSink,
  ) {
    super(name, kind, {}, 0, sink);
  }

  override record(): void {
    this.sink.invalid(this.name, this.reason);
  }

  override recordInto(): void {
    this.sink.invalid(this.name, this.reason);
  }

  override resolve(): undefined {
    return undefined;
  }
}
