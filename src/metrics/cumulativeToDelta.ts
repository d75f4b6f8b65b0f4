import type { Exemplar } from './ExemplarReservoir.js';
import {
  type ExplicitHistogram,
  type ExponentialHistogram,
  sketchFromExplicit,
  sketchFromExponential,
} from './histogramSketch.js';
import { aggregateRow, type MetricRow } from './metricRows.js';
import { sketchAggregate, valueAggregate } from './Series.js';
import type { StoredSeries } from './StoredSeries.js';

/** A running total as a cumulative point carries it: a monotonic sum or a histogram since `start`. */
export type CumulativeValue =
  | { kind: 'sum'; value: number }
  | ({ kind: 'explicit'; count: number } & Required<Pick<ExplicitHistogram, 'boundaries' | 'counts'>> &
      HistogramStats)
  | ({ kind: 'exponential'; count: number } & Omit<ExponentialHistogram, keyof HistogramStats> &
      HistogramStats);

interface HistogramStats {
  sum?: number | undefined;
  min?: number | undefined;
  max?: number | undefined;
}

/** One received cumulative point of a series. */
export interface CumulativePoint {
  series: StoredSeries;
  /** When the running total started; null when the sender did not say. */
  startTime: Date | null;
  /** The sender gave a start no later than the point's time (at full precision): the total counts from it. */
  countsFromStart: boolean;
  time: Date;
  value: CumulativeValue;
  exemplars: Exemplar[];
}

/** What is kept of a series' last cumulative point, to subtract it from the next. */
export interface CumulativeState {
  startTime: Date;
  lastTime: Date;
  value: CumulativeValue;
}

export interface DeltaResult {
  rows: MetricRow[];
  /** The new state of every series that had a point applied. */
  states: Map<string, CumulativeState>;
  /** Points at or before the series' last one (a resend or a late arrival): nothing to store. */
  stale: number;
}

/** `value` minus `previous`, or undefined when `value` cannot follow it (the total was reset). */
function subtract(value: CumulativeValue, previous: CumulativeValue): CumulativeValue | undefined {
  if (value.kind === 'sum' && previous.kind === 'sum') {
    return value.value >= previous.value ? { kind: 'sum', value: value.value - previous.value } : undefined;
  }
  if (value.kind === 'explicit' && previous.kind === 'explicit') {
    const sameBounds =
      value.boundaries.length === previous.boundaries.length &&
      value.boundaries.every((b, i) => b === previous.boundaries[i]);
    if (!sameBounds || value.counts.length !== previous.counts.length) return undefined;
    const counts = value.counts.map((c, i) => c - previous.counts[i]!);
    if (counts.some((c) => c < 0)) return undefined;
    return { ...value, ...statsDelta(value, previous), count: value.count - previous.count, counts };
  }
  if (value.kind === 'exponential' && previous.kind === 'exponential') {
    const scale = Math.min(value.scale, previous.scale);
    const positive = subtractBuckets(
      value.positive,
      previous.positive,
      value.scale - scale,
      previous.scale - scale,
    );
    const negative = subtractBuckets(
      value.negative,
      previous.negative,
      value.scale - scale,
      previous.scale - scale,
    );
    const zeroCount = value.zeroCount - previous.zeroCount;
    if (!positive || !negative || zeroCount < 0) return undefined;
    return {
      ...value,
      ...statsDelta(value, previous),
      count: value.count - previous.count,
      scale,
      zeroCount,
      positive,
      negative,
    };
  }
  return undefined;
}

/** Sum of the interval; min and max only where the running extreme moved (then it happened in it). */
function statsDelta(value: HistogramStats, previous: HistogramStats): HistogramStats {
  return {
    sum: value.sum !== undefined && previous.sum !== undefined ? value.sum - previous.sum : undefined,
    min:
      value.min !== undefined && (previous.min === undefined || value.min < previous.min)
        ? value.min
        : undefined,
    max:
      value.max !== undefined && (previous.max === undefined || value.max > previous.max)
        ? value.max
        : undefined,
  };
}

/** Bucket counts at a coarser scale: `shift` halvings merge pairs of neighbouring buckets. */
function downscale(
  b: { offset: number; bucketCounts: readonly number[] },
  shift: number,
): Map<number, number> {
  const counts = new Map<number, number>();
  b.bucketCounts.forEach((count, i) => {
    const index = (b.offset + i) >> shift;
    counts.set(index, (counts.get(index) ?? 0) + count);
  });
  return counts;
}

function subtractBuckets(
  value: { offset: number; bucketCounts: readonly number[] },
  previous: { offset: number; bucketCounts: readonly number[] },
  valueShift: number,
  previousShift: number,
): { offset: number; bucketCounts: number[] } | undefined {
  const current = downscale(value, valueShift);
  for (const [index, count] of downscale(previous, previousShift)) {
    const left = (current.get(index) ?? 0) - count;
    if (left < 0) return undefined;
    current.set(index, left);
  }
  const indexes = [...current.keys()];
  if (indexes.length === 0) return { offset: 0, bucketCounts: [] };
  const offset = Math.min(...indexes);
  const bucketCounts = new Array<number>(Math.max(...indexes) - offset + 1).fill(0);
  for (const [index, count] of current) bucketCounts[index - offset] = count;
  return { offset, bucketCounts };
}

/** The row of a delta over (start, time]; undefined when nothing happened in it. */
function deltaRow(
  series: StoredSeries,
  delta: CumulativeValue,
  start: Date,
  time: Date,
  exemplars: Exemplar[],
): MetricRow | undefined {
  if (delta.kind === 'sum') {
    return delta.value === 0
      ? undefined
      : aggregateRow(series, 'counter', valueAggregate(delta.value), time, start, exemplars);
  }
  if (delta.count <= 0) return undefined;
  const sketch = delta.kind === 'explicit' ? sketchFromExplicit(delta) : sketchFromExponential(delta);
  const explicit = delta.kind === 'explicit' ? delta : undefined;
  return sketch.count === 0
    ? undefined
    : aggregateRow(series, 'histogram', sketchAggregate(sketch), time, start, exemplars, explicit);
}

/**
 * Turns cumulative points into delta rows against each series' previous point (from `states`, then
 * from earlier points of the same batch), with reset detection as Prometheus's `rate()` does it: a
 * new start time or a running total that went down starts over, and the whole new total is the
 * delta. A series' first point counts from its start time when the sender gave one; without it, it
 * only sets the baseline. Points no later than the series' last one are stale (a resend) and skipped.
 * Pure: the caller loads and saves the states.
 */
export function cumulativeToDelta(
  points: readonly CumulativePoint[],
  states: ReadonlyMap<string, CumulativeState>,
): DeltaResult {
  const result: DeltaResult = { rows: [], states: new Map(), stale: 0 };
  const ordered = [...points].sort((a, b) => a.time.getTime() - b.time.getTime());
  for (const point of ordered) {
    const id = point.series.id;
    const state = result.states.get(id) ?? states.get(id);
    const start = point.startTime;
    if (state && point.time.getTime() <= state.lastTime.getTime()) {
      result.stale++;
      continue;
    }
    const sameRun = state !== undefined && (start === null || start.getTime() === state.startTime.getTime());
    const delta = sameRun ? subtract(point.value, state.value) : undefined;
    let row: MetricRow | undefined;
    if (delta) row = deltaRow(point.series, delta, state!.lastTime, point.time, point.exemplars);
    else if (sameRun) row = deltaRow(point.series, point.value, state!.lastTime, point.time, point.exemplars);
    else if (start !== null && point.countsFromStart)
      row = deltaRow(point.series, point.value, start, point.time, point.exemplars);
    if (row) result.rows.push(row);
    result.states.set(id, {
      startTime: start ?? state?.startTime ?? point.time,
      lastTime: point.time,
      value: point.value,
    });
  }
  return result;
}
