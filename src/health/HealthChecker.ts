import { type Clock, systemClock } from '../clock.js';
import { ConflictError, ValidationError } from '../errors.js';
import { redact } from '../redact.js';
import { healthStatus, probeStatus, readinessMessage, startupMessage } from './aggregateProbe.js';
import { CheckRunner, type ProbeDeadline } from './CheckRunner.js';
import type { HealthCheck } from './HealthCheck.js';
import {
  CHECK_DURATION_METRIC,
  type HealthMetrics,
  safeMetrics,
  TRANSITIONS_METRIC,
} from './HealthMetrics.js';
import type { CheckResult, CheckStatus, HealthStatus, ProbeName } from './HealthStatus.js';
import { HEALTH_DEFAULTS } from './healthDefaults.js';
import { probeDeadline } from './probeDeadline.js';

/** Options of `HealthChecker`. */
export interface HealthCheckerOptions {
  /** Time source for `checkedAt`, cache ages and staleness. Default: the system clock. */
  clock?: Clock;
  /** Default per-check timeout in milliseconds. Default 500. */
  checkTimeoutMs?: number;
  /** How long a result is served without running the check again (on-demand mode). Default 1000. */
  cacheTtlMs?: number;
  /**
   * When set, `start()` refreshes every check in the background at this interval and probes read the
   * last results. Default: unset (checks run on demand, cached `cacheTtlMs`).
   */
  refreshIntervalMs?: number;
  /** A probe answers within this many milliseconds even when checks hang. Default 600. */
  probeDeadlineMs?: number;
  /** Receives check durations and status transitions. Default: none. */
  metrics?: HealthMetrics;
  /** Called on every status change of a check or a probe (to log or store it); must not be slow. Default: none. */
  onTransition?: (transition: HealthTransition) => void;
}

/** A status change of one check or one probe. */
export interface HealthTransition {
  kind: 'check' | 'probe';
  subject: string;
  from: CheckStatus | 'unknown';
  to: CheckStatus;
  message: string;
  at: Date;
}

/** Options of one probe run (`HealthChecker.probe`). */
export interface ProbeOptions {
  /** Check names to leave out of this evaluation (like kube-apiserver's `?exclude=`). Default: none. */
  exclude?: Iterable<string>;
  /** Overrides `probeDeadlineMs` for this call. Default: the checker's `probeDeadlineMs`. */
  deadlineMs?: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const DEPENDENCY_PROBES: readonly ProbeName[] = ['readiness', 'startup'];

// Node's timers fire at once beyond this.
const MAX_TIMER_MS = 2_147_483_647;

function positive(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0 && value <= MAX_TIMER_MS)) {
    throw new ValidationError(
      `${option} must be a number of milliseconds in (0, ${MAX_TIMER_MS}], got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Kubernetes liveness, readiness and startup probes over registered checks. Checks run in parallel,
 * each bounded by its timeout, at most one run of a check in flight, results cached briefly; every
 * probe answers within `probeDeadlineMs` and never throws.
 */
export class HealthChecker {
  private readonly clock: Clock;
  private readonly checkTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly freshForMs: number;
  private readonly staleAfterMs: number;
  private readonly refreshIntervalMs: number | undefined;
  private readonly metrics: HealthMetrics | undefined;
  private readonly onTransition: ((t: HealthTransition) => void) | undefined;
  private readonly runners = new Map<string, CheckRunner>();
  private readonly probeStatuses = new Map<string, CheckStatus>();
  private startupLatched = false;
  private notReadyReason: string | undefined;
  private shutdownStarted = false;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(options: HealthCheckerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.checkTimeoutMs = positive(options.checkTimeoutMs, HEALTH_DEFAULTS.checkTimeoutMs, 'checkTimeoutMs');
    this.deadlineMs = positive(options.probeDeadlineMs, HEALTH_DEFAULTS.probeDeadlineMs, 'probeDeadlineMs');
    const cacheTtlMs = positive(options.cacheTtlMs, HEALTH_DEFAULTS.cacheTtlMs, 'cacheTtlMs');
    this.refreshIntervalMs =
      options.refreshIntervalMs === undefined
        ? undefined
        : positive(options.refreshIntervalMs, 0, 'refreshIntervalMs');
    const interval = this.refreshIntervalMs ?? cacheTtlMs;
    this.staleAfterMs = 3 * interval;
    this.freshForMs = this.refreshIntervalMs === undefined ? cacheTtlMs : this.staleAfterMs;
    this.metrics = safeMetrics(options.metrics);
    this.onTransition = options.onTransition;
  }

  /** Registers a check on the readiness and/or startup probe. Throws on a bad or duplicate check. */
  addCheck(check: HealthCheck): this {
    if (typeof check?.check !== 'function')
      throw new ValidationError('a health check needs a check function');
    if (typeof check.name !== 'string' || !NAME.test(check.name)) {
      throw new ValidationError(
        `invalid health check name ${JSON.stringify(check.name)}: use 1-64 letters, digits, _ . : -`,
      );
    }
    if (this.runners.has(check.name)) throw new ConflictError(`duplicate health check name "${check.name}"`);
    const probes = check.probes ?? ['readiness'];
    if (probes.length === 0) throw new ValidationError(`health check "${check.name}" names no probe`);
    for (const probe of probes) {
      if (probe === 'liveness') {
        throw new ValidationError(
          `health check "${check.name}" cannot be a liveness check: liveness does no I/O and must not ` +
            'depend on other services (a failing dependency would restart every pod); use readiness',
        );
      }
      if (!DEPENDENCY_PROBES.includes(probe)) throw new ValidationError(`unknown probe "${String(probe)}"`);
    }
    const resolved = {
      name: check.name,
      check: check.check,
      critical: check.critical ?? true,
      timeoutMs: positive(check.timeoutMs, this.checkTimeoutMs, `timeoutMs of "${check.name}"`),
      passMessage: check.passMessage,
      failMessage: check.failMessage,
    };
    const runner = new CheckRunner(resolved, [...new Set(probes)], {
      clock: this.clock,
      freshForMs: this.freshForMs,
      staleAfterMs: this.staleAfterMs,
      onResult: (result, previous) => this.observe(check.name, result, previous),
    });
    this.runners.set(check.name, runner);
    return this;
  }

  /** Names of the checks on one probe, or all of them. */
  checkNames(probe?: ProbeName): string[] {
    return [...this.runners.values()].filter((r) => !probe || r.probes.includes(probe)).map((r) => r.name);
  }

  /** True once the startup checks have passed (latched: never false again). */
  get startupComplete(): boolean {
    return this.startupLatched;
  }

  get shuttingDown(): boolean {
    return this.shutdownStarted;
  }

  /** Readiness fails with "Not ready: <reason>" until `setReady()`. */
  setNotReady(reason = 'marked not ready'): void {
    this.notReadyReason = redact(String(reason));
  }

  setReady(): void {
    this.notReadyReason = undefined;
  }

  /** Readiness fails from now on ("Not ready: shutting down"); liveness keeps passing. Irreversible. */
  beginShutdown(): void {
    this.shutdownStarted = true;
  }

  /** Always healthy while the process can answer: no I/O, no dependency. */
  liveness(): HealthStatus {
    return this.finish('liveness', 'pass', 'Process is alive', {});
  }

  /** Dependencies: "All dependencies healthy" or "Dependencies unhealthy: <names>". Never throws. */
  async readiness(options: ProbeOptions = {}): Promise<HealthStatus> {
    const blocked = this.readinessBlock();
    if (blocked) return this.finish('readiness', 'fail', blocked, {});
    const deadline = probeDeadline(options.deadlineMs ?? this.deadlineMs);
    try {
      const exclude = new Set(options.exclude ?? []);
      if (!this.startupLatched) {
        const startup = await this.evaluateStartup(exclude, deadline);
        if (!this.startupLatched) {
          return this.finish('readiness', 'fail', 'Not ready: startup incomplete', startup.details.checks);
        }
      }
      const checks = await this.evaluate('readiness', exclude, deadline);
      const status = probeStatus(checks);
      return this.finish('readiness', status, readinessMessage(checks, status), checks);
    } finally {
      deadline.cancel();
    }
  }

  /** Startup: runs its checks until they first pass, then latches "Initialization complete". */
  async startup(options: ProbeOptions = {}): Promise<HealthStatus> {
    const deadline = probeDeadline(options.deadlineMs ?? this.deadlineMs);
    try {
      return await this.evaluateStartup(new Set(options.exclude ?? []), deadline);
    } finally {
      deadline.cancel();
    }
  }

  /** Everything at once (for `/health`): startup and readiness checks, and the readiness verdict. */
  async health(options: ProbeOptions = {}): Promise<HealthStatus> {
    const readiness = await this.readiness(options);
    const checks = { ...readiness.details.checks };
    for (const runner of this.runners.values()) {
      const last = runner.lastResult;
      if (!(runner.name in checks) && last) checks[runner.name] = last;
    }
    return healthStatus('health', readiness.status, readiness.message, checks, this.clock.now());
  }

  /** Starts the background refresh when `refreshIntervalMs` is set (no-op otherwise). */
  start(): void {
    if (this.refreshIntervalMs === undefined || this.refreshTimer) return;
    const refresh = () => {
      for (const runner of this.runners.values()) {
        if (runner.probes.includes('readiness') || !this.startupLatched) void runner.run();
      }
    };
    this.refreshTimer = setInterval(refresh, this.refreshIntervalMs);
    this.refreshTimer.unref();
    refresh();
  }

  /** Stops the background refresh. Runs in flight finish on their own (bounded by their timeouts). */
  stop(): void {
    clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  private readinessBlock(): string | undefined {
    if (this.shutdownStarted) return 'Not ready: shutting down';
    if (this.notReadyReason !== undefined) return `Not ready: ${this.notReadyReason}`;
    return undefined;
  }

  private async evaluateStartup(exclude: Set<string>, deadline: ProbeDeadline): Promise<HealthStatus> {
    if (this.startupLatched) return this.finish('startup', 'pass', startupMessage('pass'), {});
    const checks = await this.evaluate('startup', exclude, deadline);
    const status = probeStatus(checks);
    // A run that skipped some startup checks proves nothing about them: it does not latch.
    const skipped = this.checkNames('startup').some((name) => exclude.has(name));
    if (status !== 'fail' && !skipped) this.startupLatched = true;
    return this.finish('startup', status, startupMessage(status), checks);
  }

  private async evaluate(
    probe: ProbeName,
    exclude: Set<string>,
    deadline: ProbeDeadline,
  ): Promise<Record<string, CheckResult>> {
    const runners = [...this.runners.values()].filter(
      (r) => r.probes.includes(probe) && !exclude.has(r.name),
    );
    const results = await Promise.all(runners.map((r) => r.result(deadline)));
    return Object.fromEntries(runners.map((r, i) => [r.name, results[i]!]));
  }

  private finish(
    probe: ProbeName,
    status: CheckStatus,
    message: string,
    checks: Record<string, CheckResult>,
  ): HealthStatus {
    const now = this.clock.now();
    const previous = this.probeStatuses.get(probe);
    if (previous !== status) {
      this.probeStatuses.set(probe, status);
      this.transition({
        kind: 'probe',
        subject: probe,
        from: previous ?? 'unknown',
        to: status,
        message,
        at: new Date(now),
      });
    }
    return healthStatus(probe, status, message, checks, now);
  }

  private observe(name: string, result: CheckResult, previous: CheckResult | undefined): void {
    this.metrics?.histogram(CHECK_DURATION_METRIC, result.durationMs / 1000, {
      check: name,
      status: result.status,
    });
    if (previous?.status === result.status) return;
    this.transition({
      kind: 'check',
      subject: name,
      from: previous?.status ?? 'unknown',
      to: result.status,
      message: result.message,
      at: result.checkedAt,
    });
  }

  private transition(t: HealthTransition): void {
    this.metrics?.counter(TRANSITIONS_METRIC, 1, {
      kind: t.kind,
      subject: t.subject,
      from: t.from,
      to: t.to,
    });
    try {
      this.onTransition?.(t);
    } catch {
      // A listener's failure must not break a probe.
    }
  }
}
