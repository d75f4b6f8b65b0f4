/**
 * Default timings of probes and shutdown, in milliseconds. The Kubernetes example in
 * docs/kubernetes-probes.md is tested against these values.
 */
export const HEALTH_DEFAULTS = {
  /** Per-check timeout. */
  checkTimeoutMs: 500,
  /** How long a check result is served before the check runs again. */
  cacheTtlMs: 1_000,
  /** A probe evaluation gives up waiting for checks after this. */
  probeDeadlineMs: 600,
  /** An HTTP probe answers within this, whatever happens (kubelet's timeoutSeconds is >= 1 s). */
  responseDeadlineMs: 700,
  /** Kubernetes' default terminationGracePeriodSeconds. */
  gracePeriodMs: 30_000,
  /** After readiness fails, time for endpoints to stop routing here before draining. */
  readinessDelayMs: 5_000,
  /** Longest wait for in-flight requests and tracked tasks. */
  drainTimeoutMs: 10_000,
  /** Default timeout of each shutdown hook. */
  hookTimeoutMs: 3_000,
} as const;
