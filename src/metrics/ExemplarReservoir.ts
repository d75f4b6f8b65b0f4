/** One observation tied to the span it was recorded in. */
export interface Exemplar {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  value: number;
  /** When it was observed, epoch milliseconds. */
  time: number;
  /** Attributes of the observation beyond its series' labels (OTLP's filtered attributes); none in-process. */
  attributes?: Readonly<Record<string, unknown>>;
}

/** The ids of a recorded span (an OpenTelemetry `SpanContext` is one). */
export interface SpanIds {
  readonly traceId: string;
  readonly spanId: string;
}

export interface ExemplarReservoirOptions {
  /** The active recorded span, or undefined outside one. Consulted only for observations that would be kept. */
  activeSpan: () => SpanIds | undefined;
  /** Epoch milliseconds of an observation. */
  now: () => number;
  /** Uniform in [0, 1). Default `Math.random`. */
  random?: (() => number) | undefined;
}

/** New maxima outside a span per interval that leave slot 0's bar where it was. */
const MISS_BUDGET = 32;

/**
 * A bounded sample of one series' observations in a flush interval, kept only when made inside a
 * recorded span. Slot 0 holds the highest value, so a p99 outlier has a trace; the other slots are a
 * reservoir sample of the interval (Algorithm L). Recording stays cheap: the active span is looked up
 * only when an observation would be kept, a new running maximum or the end of a precomputed skip, so
 * most observations cost one comparison and one decrement. A sampled observation made outside a span
 * leaves its slot as it was. A new maximum made outside a span (an unsampled trace) does not raise the
 * bar for slot 0 for the first MISS_BUDGET times of an interval, so a later outlier in a recorded span
 * still gets a trace when sampling is partial; past the budget the bar follows every maximum, which
 * bounds the look-ups when nothing is traced.
 */
export class ExemplarReservoir {
  private readonly slots: (Exemplar | undefined)[];
  /** Slots of the uniform sample (all but the maximum's). */
  private readonly sampleSize: number;
  private readonly random: () => number;
  /** Values above this are considered for slot 0: its value, or the highest seen once misses run out. */
  private threshold = Number.NEGATIVE_INFINITY;
  /** New maxima outside a span still allowed to leave the threshold at slot 0's value. */
  private misses = MISS_BUDGET;
  /** Observations to pass before the next one is sampled; the next one is sampled when it drops below 0. */
  private skip = 0;
  /** Observations sampled so far in this interval. */
  private picked = 0;
  private w = 1;

  constructor(
    readonly size: number,
    private readonly options: ExemplarReservoirOptions,
  ) {
    this.slots = new Array(size).fill(undefined);
    this.sampleSize = size - 1;
    this.random = options.random ?? Math.random;
    if (this.sampleSize <= 0) this.skip = Number.POSITIVE_INFINITY;
  }

  /** Offers one observation; the hot path. */
  offer(value: number): void {
    if (--this.skip < 0 || value > this.threshold) this.consider(value);
  }

  private consider(value: number): void {
    const top = value > this.threshold;
    const sampled = this.skip < 0;
    const slot = sampled ? this.nextSlot() : -1;
    const span = this.options.activeSpan();
    if (top && (span !== undefined || --this.misses < 0)) this.threshold = value;
    if (span === undefined) return;
    const exemplar = { traceId: span.traceId, spanId: span.spanId, value, time: this.options.now() };
    if (top) this.slots[0] = exemplar;
    if (slot > 0) this.slots[slot] = exemplar;
  }

  /** Slot of a sampled observation (1..size-1), and the skip to the next one (Algorithm L). */
  private nextSlot(): number {
    const k = this.sampleSize;
    const slot = this.picked < k ? this.picked + 1 : 1 + Math.floor(this.random() * k);
    this.picked++;
    if (this.picked < k) {
      this.skip = 0;
      return slot;
    }
    this.w *= Math.exp(Math.log(1 - this.random()) / k);
    this.skip = Math.floor(Math.log(1 - this.random()) / Math.log(1 - this.w));
    return slot;
  }

  /** The exemplars kept so far in this interval, highest first, each once. */
  peek(): Exemplar[] {
    const kept = new Set<Exemplar>();
    for (const exemplar of this.slots) if (exemplar) kept.add(exemplar);
    return [...kept].sort((a, b) => b.value - a.value);
  }

  /** Ends the interval: returns its exemplars (highest first) and starts empty. */
  take(): Exemplar[] {
    const kept = this.peek();
    this.slots.fill(undefined);
    this.threshold = Number.NEGATIVE_INFINITY;
    this.misses = MISS_BUDGET;
    this.picked = 0;
    this.w = 1;
    this.skip = this.sampleSize > 0 ? 0 : Number.POSITIVE_INFINITY;
    return kept;
  }
}
