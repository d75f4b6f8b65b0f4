import type { Clock } from '../../clock.js';
import { ValidationError } from '../../errors.js';
import type { QueryParams } from './QueryParams.js';

/** A time range [from, to). */
export interface TimeWindow {
  from: Date;
  to: Date;
}

const MAX_WINDOW_MS = 400 * 86_400_000;

/**
 * Reads `from` and `to` (ISO-8601 or epoch ms). Defaults: `to` now, `from` `defaultMs` before `to`.
 * `from` must be before `to`, and the window at most 400 days.
 */
export function timeWindow(params: QueryParams, clock: Clock, defaultMs: number): TimeWindow {
  const to = params.time('to') ?? new Date(clock.now());
  const from = params.time('from') ?? new Date(to.getTime() - defaultMs);
  if (from.getTime() >= to.getTime()) throw new ValidationError('from must be before to');
  if (to.getTime() - from.getTime() > MAX_WINDOW_MS)
    throw new ValidationError('the time window (from to to) may span at most 400 days');
  return { from, to };
}

const NICE_STEPS_MS = [
  1000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
  7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/**
 * The bucket width of a chart over `window`: `requested` when given (refused when it would make more
 * than `maxPoints` buckets), else the smallest round step giving at most `targetPoints` (default 120).
 */
export function seriesStep(
  window: TimeWindow,
  requested: number | undefined,
  maxPoints = 1500,
  targetPoints = 120,
): number {
  const span = window.to.getTime() - window.from.getTime();
  if (requested !== undefined) {
    if (span / requested > maxPoints)
      throw new ValidationError(
        `step is too small for this window: at most ${maxPoints} points (use a step of at least ${Math.ceil(span / maxPoints)} ms)`,
      );
    return requested;
  }
  return (
    NICE_STEPS_MS.find((step) => span / step <= targetPoints) ??
    Math.ceil(span / targetPoints / 86_400_000) * 86_400_000
  );
}
