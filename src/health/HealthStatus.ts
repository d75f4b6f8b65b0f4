/** Outcome of one check or one probe, in the IETF health-check draft's vocabulary. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** The three Kubernetes probes. */
export type ProbeName = 'liveness' | 'readiness' | 'startup';

/** The result of one check run, as shown under `details.checks.<name>`. */
export interface CheckResult {
  /** False only when `status` is `fail`. */
  healthy: boolean;
  status: CheckStatus;
  /** Short human text, secrets redacted ("Connected", "Connection failed", ...). */
  message: string;
  /** A failing critical check fails the probe; a failing non-critical one only makes it `warn`. */
  critical: boolean;
  checkedAt: Date;
  durationMs: number;
  /** The redacted error behind a failure (thrown error, timeout), when there was one. */
  error?: string;
  /** A number the check measured (pool usage ratio, ...), for `application/health+json`. */
  observedValue?: number;
  observedUnit?: string;
}

/** What `liveness()`, `readiness()`, `startup()` and `health()` return; they never throw. */
export interface HealthStatus {
  healthy: boolean;
  status: CheckStatus;
  message: string;
  checkedAt: Date;
  details: {
    probe: ProbeName | 'health';
    checks: Record<string, CheckResult>;
  };
}
