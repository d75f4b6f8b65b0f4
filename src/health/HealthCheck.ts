import type { CheckStatus, ProbeName } from './HealthStatus.js';

/**
 * What a check function may return: nothing or `true` (pass), `false` (fail), or an object. Anything
 * else counts as a failure ("returned an invalid result"); a thrown error or rejection is a failure.
 */
export type CheckOutcome =
  | undefined
  | boolean
  | {
      healthy?: boolean;
      status?: CheckStatus;
      message?: string;
      observedValue?: number;
      observedUnit?: string;
    };

/** A dependency check registered on the readiness and/or startup probe. */
export interface HealthCheck {
  /** Shown in `details.checks` and used by `?exclude=`: letters, digits, `_ . : -`, at most 64. */
  name: string;
  /** Receives a signal aborted when the check's timeout expires; pass it on to fetch, queries... */
  // biome-ignore lint/suspicious/noConfusingVoidType: an async check that returns nothing is Promise<void>
  check: (signal: AbortSignal) => CheckOutcome | Promise<CheckOutcome | void>;
  /** Probes this check belongs to. Default `['readiness']`. Liveness takes no checks. */
  probes?: readonly ProbeName[];
  /** Default true. A failing non-critical check makes the probe `warn` (still ready). */
  critical?: boolean;
  /** Per-run timeout in milliseconds. Default: the checker's `checkTimeoutMs` (500). */
  timeoutMs?: number;
  /** Message on success when the check gives none. Default "OK". */
  passMessage?: string;
  /** Message on failure (thrown, timed out, false). Default: the redacted error text. */
  failMessage?: string;
}
