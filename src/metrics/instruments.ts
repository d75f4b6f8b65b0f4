import type { Instrument } from './Instrument.js';
import type { Labels } from './labelKey.js';
import type { Series } from './Series.js';

/** Stops a timer and records the elapsed time; returns it. Extra labels are merged over the timer's. */
export type EndTimer = (labels?: Labels) => number;

/** A monotonic counter: increments must be finite and >= 0. */
export interface Counter {
  readonly name: string;
  /** Adds `value` (default 1). */
  add(value?: number, labels?: Labels): void;
  /** A handle for one fixed label set: no label lookup on each call. */
  bind(labels?: Labels): BoundCounter;
}
/** A counter bound to one label set (`Counter.bind`): no label lookup per call. */
export interface BoundCounter {
  add(value?: number): void;
}

/** A counter that may go down (active requests, queue length by delta). */
export interface UpDownCounter {
  readonly name: string;
  add(value: number, labels?: Labels): void;
  bind(labels?: Labels): BoundCounter;
}

/** A gauge: the last value set wins. */
export interface Gauge {
  readonly name: string;
  set(value: number, labels?: Labels): void;
  bind(labels?: Labels): BoundGauge;
}
/** A gauge bound to one label set (`Gauge.bind`): no label lookup per call. */
export interface BoundGauge {
  set(value: number): void;
}

/** A histogram: a distribution summarized by a sketch (percentiles within 1%). */
export interface Histogram {
  readonly name: string;
  record(value: number, labels?: Labels): void;
  /** Starts timing; the returned function records the elapsed milliseconds (seconds for unit `s`). */
  startTimer(labels?: Labels): EndTimer;
  bind(labels?: Labels): BoundHistogram;
}
/** A histogram bound to one label set (`Histogram.bind`): no label lookup per call. */
export interface BoundHistogram {
  record(value: number): void;
  startTimer(): () => number;
}

/**
 * A handle on one series. When the label set (or the instrument) was refused at bind time, each call
 * takes the ordinary path, where it is refused and counted again.
 */
class BoundHandle implements BoundCounter, BoundGauge, BoundHistogram {
  constructor(
    private readonly instrument: Instrument,
    private readonly series: Series | undefined,
    private readonly labels: Labels | undefined,
  ) {}

  add(value = 1): void {
    this.record(value);
  }

  set(value: number): void {
    this.record(value);
  }

  record(value: number): void {
    if (this.series) this.instrument.recordInto(this.series, value);
    else this.instrument.record(value, this.labels);
  }

  startTimer(): () => number {
    const start = this.instrument.now();
    return () => {
      const elapsed = this.instrument.elapsedSince(start);
      this.record(elapsed);
      return elapsed;
    };
  }
}

/** The public face of an instrument: every instrument interface over one implementation. */
export class InstrumentHandle implements Counter, UpDownCounter, Gauge, Histogram {
  readonly name: string;

  constructor(private readonly instrument: Instrument) {
    this.name = instrument.name;
  }

  add(value = 1, labels?: Labels): void {
    this.instrument.record(value, labels);
  }

  set(value: number, labels?: Labels): void {
    this.instrument.record(value, labels);
  }

  record(value: number, labels?: Labels): void {
    this.instrument.record(value, labels);
  }

  startTimer(labels?: Labels): EndTimer {
    const start = this.instrument.now();
    return (extra?: Labels) => {
      const elapsed = this.instrument.elapsedSince(start);
      this.instrument.record(elapsed, extra ? { ...labels, ...extra } : labels);
      return elapsed;
    };
  }

  bind(labels?: Labels): BoundHandle {
    return new BoundHandle(this.instrument, this.instrument.resolve(labels), labels);
  }
}
