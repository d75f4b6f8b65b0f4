import type { Clock } from '../clock.js';
import type { CheckResult, ProbeName } from './HealthStatus.js';
import { errorText, type ResolvedCheck, runBoundedCheck } from './runBoundedCheck.js';

/** A probe evaluation's deadline, shared by all the checks it waits for. */
export interface ProbeDeadline {
  readonly expired: Promise<void>;
  readonly ms: number;
}

export interface CheckRunnerOptions {
  clock: Clock;
  /** A result younger than this is served without running the check again. */
  freshForMs: number;
  /** A result older than this counts as failed (three refresh intervals). */
  staleAfterMs: number;
  /** Called after every run with the new and the previous result; must not throw. */
  onResult: (result: CheckResult, previous: CheckResult | undefined) => void;
}

/**
 * One registered check: at most one run in flight (concurrent callers share it), the last result kept
 * and served while fresh, and a failure instead of a result older than `staleAfterMs`.
 */
export class CheckRunner {
  readonly check: ResolvedCheck;
  readonly probes: readonly ProbeName[];
  private readonly options: CheckRunnerOptions;
  private last: CheckResult | undefined;
  private inflight: Promise<CheckResult> | undefined;

  constructor(check: ResolvedCheck, probes: readonly ProbeName[], options: CheckRunnerOptions) {
    this.check = check;
    this.probes = probes;
    this.options = options;
  }

  get name(): string {
    return this.check.name;
  }

  /** The last result, if any. */
  get lastResult(): CheckResult | undefined {
    return this.last;
  }

  /** Runs the check unless a run is already in flight, in which case the caller shares that run. */
  run(): Promise<CheckResult> {
    if (this.inflight) return this.inflight;
    const { clock } = this.options;
    const run = runBoundedCheck(this.check, clock)
      .catch((error: unknown) => this.failure(errorText(error), 0))
      .then((result) => {
        const previous = this.last;
        this.last = result;
        this.inflight = undefined;
        try {
          this.options.onResult(result, previous);
        } catch {
          // Observation must never break a probe.
        }
        return result;
      });
    this.inflight = run;
    return run;
  }

  /**
   * The result a probe reports: the cached one while fresh, else a new (or shared) run; when that run
   * misses the probe deadline, the last result while it is not stale, else a failure.
   */
  async result(deadline: ProbeDeadline): Promise<CheckResult> {
    const { clock, freshForMs, staleAfterMs } = this.options;
    if (this.last && clock.now() - this.last.checkedAt.getTime() < freshForMs) return this.last;
    const fresh = await Promise.race([this.run(), deadline.expired.then(() => undefined)]);
    if (fresh) return fresh;
    if (!this.last) return this.failure(`no result within the ${deadline.ms} ms probe deadline`, deadline.ms);
    const age = clock.now() - this.last.checkedAt.getTime();
    if (age <= staleAfterMs) return this.last;
    return this.failure(`last result is stale (${age} ms old, limit ${staleAfterMs} ms)`, deadline.ms);
  }

  private failure(error: string, durationMs: number): CheckResult {
    return {
      healthy: false,
      status: 'fail',
      message: this.check.failMessage ?? error,
      critical: this.check.critical,
      checkedAt: new Date(this.options.clock.now()),
      durationMs,
      error,
    };
  }
}
