/**
 * The metrics sink health checks report to: any object with these two methods (pgtel's metrics
 * collector has them). Structural, so health depends on no metrics implementation.
 */
export interface HealthMetrics {
  histogram(name: string, value: number, labels?: Record<string, string>): void;
  counter(name: string, value?: number, labels?: Record<string, string>): void;
}

/** Check run durations, in seconds, labelled `check` and `status`. */
export const CHECK_DURATION_METRIC = 'pgtel_health_check_duration_seconds';
/** Status changes of a check or a probe, labelled `kind`, `subject`, `from` and `to`. */
export const TRANSITIONS_METRIC = 'pgtel_health_transitions_total';

/** Wraps a sink so that a throwing one can never break a probe. */
export function safeMetrics(metrics: HealthMetrics | undefined): HealthMetrics | undefined {
  if (!metrics) return undefined;
  return {
    histogram(name, value, labels) {
      try {
        metrics.histogram(name, value, labels);
      } catch {
        // Instrumentation never throws into the probe.
      }
    },
    counter(name, value, labels) {
      try {
        metrics.counter(name, value, labels);
      } catch {
        // Same.
      }
    },
  };
}
