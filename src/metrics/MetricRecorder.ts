import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { ExemplarReservoir } from './ExemplarReservoir.js';
import {
  Instrument,
  type InstrumentKind,
  type InstrumentOptions,
  type InstrumentSink,
  RefusedInstrument,
} from './Instrument.js';
import { metricNameProblem, shortName } from './metricName.js';
import type { Series } from './Series.js';
import { sampledSpanIds } from './sampledSpanIds.js';

const REPORT_LIMIT = 1000;

export interface MetricRecorderOptions {
  clock: Clock;
  logger: Logger;
  /** Distinct label sets per metric (default 2,000). */
  maxSeriesPerMetric?: number | undefined;
  /** Distinct metric names (default 1,000). */
  maxMetrics?: number | undefined;
  /** Metrics stored in raw mode whatever their instrument options say (default none). */
  rawMetrics?: readonly string[] | undefined;
  /** Exemplars kept per series and interval; 0 disables them. */
  exemplarsPerSeries: number;
  /** Receives each observation of a raw-mode instrument. */
  raw(instrument: Instrument, series: Series, value: number): void;
}

/** What the recorder counted: observations refused or folded. */
export interface RecorderCounts {
  invalidObservations: number;
  invalidByMetric: Record<string, number>;
  overflowObservations: number;
}

/**
 * The recording part of `MetricsCollector`: the instrument registry (one instrument per name, kind
 * conflicts and caps refused) and the hot path's sink (invalid and overflowed observations counted
 * and reported once per metric and reason). Never waits on I/O and never throws.
 */
export class MetricRecorder {
  private readonly instruments = new Map<string, Instrument>();
  private readonly undescribed: Instrument[] = [];
  private readonly rawNames: Set<string>;
  private readonly reported = new Set<string>();
  private readonly counts: RecorderCounts = {
    invalidObservations: 0,
    invalidByMetric: {},
    overflowObservations: 0,
  };
  private readonly sink: InstrumentSink;

  constructor(private readonly options: MetricRecorderOptions) {
    this.rawNames = new Set(options.rawMetrics ?? []);
    const exemplars = options.exemplarsPerSeries;
    this.sink = {
      clock: options.clock,
      invalid: (name, reason) => this.invalid(name, reason),
      overflowed: (instrument) => {
        this.counts.overflowObservations++;
        this.reportOnce(
          `overflow:${instrument.name}`,
          `metric ${shortName(instrument.name)} reached its cap of ${this.maxSeries} label sets; further label sets are folded into the overflow series`,
        );
      },
      raw: options.raw,
      reservoir: () =>
        exemplars > 0
          ? new ExemplarReservoir(exemplars, { activeSpan: sampledSpanIds, now: () => options.clock.now() })
          : undefined,
    };
  }

  private get maxSeries(): number {
    return this.options.maxSeriesPerMetric ?? 2000;
  }

  /** The instrument of `name`; same name and kind returns the same one, anything refused a RefusedInstrument. */
  instrument(name: string, kind: InstrumentKind, options: InstrumentOptions = {}): Instrument {
    const existing = this.instruments.get(name);
    if (existing && existing.kind === kind) return existing;
    if (existing)
      return new RefusedInstrument(name, kind, `metric already exists as a ${existing.kind}`, this.sink);
    const maxMetrics = this.options.maxMetrics ?? 1000;
    const problem =
      metricNameProblem(name) ??
      (this.instruments.size >= maxMetrics ? `more than ${maxMetrics} metric names` : undefined);
    if (problem) return new RefusedInstrument(String(name), kind, problem, this.sink);
    const raw = options.raw === true || this.rawNames.has(name);
    const created = new Instrument(name, kind, { ...options, raw }, this.maxSeries, this.sink);
    this.instruments.set(name, created);
    this.undescribed.push(created);
    return created;
  }

  /** Every registered instrument. */
  all(): IterableIterator<Instrument> {
    return this.instruments.values();
  }

  /** Instruments created since the last call, to describe in `metric_descriptions`. */
  takeUndescribed(): Instrument[] {
    return this.undescribed.splice(0);
  }

  /** Puts back instruments whose description could not be written, for the next flush. */
  returnUndescribed(instruments: Instrument[]): void {
    this.undescribed.unshift(...instruments);
  }

  counters(): RecorderCounts {
    return { ...this.counts, invalidByMetric: { ...this.counts.invalidByMetric } };
  }

  /** Logs `message` once per `key` (at most 1,000 keys); later ones are only counted. */
  reportOnce(key: string, message: string): void {
    if (this.reported.has(key) || this.reported.size >= REPORT_LIMIT) return;
    this.reported.add(key);
    this.options.logger.warn(`${message}; further ones are counted in stats()`);
  }

  private invalid(name: string, reason: string): void {
    this.counts.invalidObservations++;
    const key = shortName(name);
    const byMetric = this.counts.invalidByMetric;
    const slot = key in byMetric || Object.keys(byMetric).length < REPORT_LIMIT ? key : '(other)';
    byMetric[slot] = (byMetric[slot] ?? 0) + 1;
    this.reportOnce(`${slot}\0${reason}`, `metric ${slot}: observation refused (${reason})`);
  }
}
