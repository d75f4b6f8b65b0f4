import type { Labels, SeriesSamples } from './SampleSource.js';

/** The counter of stored log records that PromQL sees, labelled `service_name` and `severity`. */
export const LOG_RECORDS_METRIC = 'pgtel_log_records_total';

/** The step of its samples: records are counted in 15-second steps. */
export const LOG_COUNT_STEP_MS = 15_000;

/** Records of one service and severity counted in one step, `step` the index past the range start. */
export interface LogCountBucket {
  service: string;
  severity: string;
  step: number;
  count: number;
}

/** The series labels of a service and severity; an unknown service has no `service_name` label. */
export function logCountLabels(service: string, severity: string): Labels {
  return {
    __name__: LOG_RECORDS_METRIC,
    ...(service === '' ? {} : { service_name: service }),
    severity,
  };
}

/**
 * The counter series of the buckets over `[startMs, endMs]`: for each service and severity, a running
 * count of its records after `startMs`, 0 at `startMs`, then at each step (`startMs + k * stepMs`)
 * and at `endMs`. Bucket `k` holds the records in `(startMs + (k-1) * stepMs, startMs + k * stepMs]`.
 * Pure.
 */
export function logCountSamples(
  buckets: readonly LogCountBucket[],
  startMs: number,
  endMs: number,
  stepMs = LOG_COUNT_STEP_MS,
): SeriesSamples[] {
  const times = [startMs];
  for (let t = startMs + stepMs; t < endMs; t += stepMs) times.push(t);
  if (endMs > startMs) times.push(endMs);
  const counts = new Map<string, { service: string; severity: string; perStep: Float64Array }>();
  for (const b of buckets) {
    const key = `${b.service}\0${b.severity}`;
    let series = counts.get(key);
    if (!series) {
      series = { service: b.service, severity: b.severity, perStep: new Float64Array(times.length) };
      counts.set(key, series);
    }
    series.perStep[Math.min(Math.max(b.step, 0), times.length - 1)]! += b.count;
  }
  return [...counts.values()].map(({ service, severity, perStep }) => {
    const values = new Float64Array(times.length);
    let total = 0;
    for (let i = 0; i < times.length; i++) values[i] = total += perStep[i]!;
    return { labels: logCountLabels(service, severity), timestamps: Float64Array.from(times), values };
  });
}
