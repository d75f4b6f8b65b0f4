import type { Exemplar, ExemplarReservoir } from './ExemplarReservoir.js';
import { LogSketch } from './LogSketch.js';
import type { CanonicalLabels } from './labelKey.js';
import type { StoredSeries } from './StoredSeries.js';

/** What one series wrote during a flush interval: the aggregate columns of one `metrics` row. */
export interface IntervalAggregate {
  value: number;
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  sketch: LogSketch | null;
}

/** The aggregate of a histogram interval: mean as the value, exact count/sum/min/max, the sketch. */
export function sketchAggregate(sketch: LogSketch): IntervalAggregate {
  return {
    value: sketch.sum / sketch.count,
    count: sketch.count,
    sum: sketch.sum,
    min: sketch.min,
    max: sketch.max,
    sketch,
  };
}

/** The aggregate of one value (a counter delta or a gauge reading). */
export function valueAggregate(value: number): IntervalAggregate {
  return { value, count: 1, sum: value, min: null, max: null, sketch: null };
}

/** Current values of one series for exposition (`/metrics`): cumulative since the process started. */
export interface SeriesSnapshot {
  labels: CanonicalLabels;
  /** Counter total, up-down counter level, last gauge value, or histogram sum. */
  value: number;
  /** Histograms only: every observation since start. */
  histogram?: LogSketch;
  /** Exemplars of the running interval and of the last interval that had some, highest first. */
  exemplars?: Exemplar[];
}

/**
 * One label set of one instrument. Holds the aggregate of the running interval (reset by each flush)
 * and the cumulative state the exposition needs. Subclasses differ only in how they aggregate.
 */
export abstract class Series {
  readonly labels: CanonicalLabels;
  /** Observations in the running interval. */
  count = 0;
  /** Samples observations made in recorded spans; none for gauges or when exemplars are off. */
  readonly exemplars: ExemplarReservoir | undefined;
  private recentExemplars: Exemplar[] = [];
  /** The series as stored, set by the collector at its first flush. */
  stored: StoredSeries | undefined;

  constructor(labels: CanonicalLabels, exemplars?: ExemplarReservoir) {
    this.labels = labels;
    this.exemplars = exemplars;
  }

  /** The running interval's exemplars (highest first); they stay exposed until a later interval has some. */
  takeExemplars(): Exemplar[] {
    const taken = this.exemplars?.take() ?? [];
    if (taken.length > 0) this.recentExemplars = taken;
    return taken;
  }

  /** What the exposition shows: the last interval's exemplars and the running one's. */
  protected visibleExemplars(): Exemplar[] | undefined {
    if (!this.exemplars) return undefined;
    const running = this.exemplars.peek();
    return running.length === 0 ? this.recentExemplars : [...running, ...this.recentExemplars];
  }

  abstract observe(value: number): void;
  /** The running interval's aggregate, or undefined when idle; starts a new interval. */
  abstract takeInterval(): IntervalAggregate | undefined;
  abstract snapshot(): SeriesSnapshot;
}

/** Counters and up-down counters: the interval holds the delta. */
export class SumSeries extends Series {
  private delta = 0;
  private total = 0;

  observe(value: number): void {
    this.delta += value;
    this.count++;
  }

  takeInterval(): IntervalAggregate | undefined {
    if (this.count === 0) return undefined;
    const aggregate = {
      value: this.delta,
      count: this.count,
      sum: this.delta,
      min: null,
      max: null,
      sketch: null,
    };
    this.total += this.delta;
    this.delta = 0;
    this.count = 0;
    return aggregate;
  }

  snapshot(): SeriesSnapshot {
    return { labels: this.labels, value: this.total + this.delta, exemplars: this.visibleExemplars() };
  }
}

/** Gauges: the last value wins; count, sum, min and max of the interval's values are kept too. */
export class GaugeSeries extends Series {
  private last = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  observe(value: number): void {
    this.last = value;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.count++;
  }

  takeInterval(): IntervalAggregate | undefined {
    if (this.count === 0) return undefined;
    const aggregate = {
      value: this.last,
      count: this.count,
      sum: this.sum,
      min: this.min,
      max: this.max,
      sketch: null,
    };
    this.count = 0;
    this.sum = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    return aggregate;
  }

  snapshot(): SeriesSnapshot {
    return { labels: this.labels, value: this.last };
  }
}

/** Histograms: a log-bucket sketch of the interval, merged into a cumulative sketch at each flush. */
export class HistogramSeries extends Series {
  private interval = new LogSketch();
  private readonly cumulative = new LogSketch();

  observe(value: number): void {
    this.interval.add(value);
    this.count++;
  }

  takeInterval(): IntervalAggregate | undefined {
    if (this.count === 0) return undefined;
    const sketch = this.interval;
    this.cumulative.merge(sketch);
    this.interval = new LogSketch();
    this.count = 0;
    return sketchAggregate(sketch);
  }

  snapshot(): SeriesSnapshot {
    const histogram = new LogSketch();
    histogram.merge(this.cumulative);
    histogram.merge(this.interval);
    return { labels: this.labels, value: histogram.sum, histogram, exemplars: this.visibleExemplars() };
  }
}
