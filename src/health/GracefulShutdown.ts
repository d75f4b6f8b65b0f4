import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ValidationError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import type { HealthChecker } from './HealthChecker.js';
import { HEALTH_DEFAULTS } from './healthDefaults.js';
import { errorText } from './runBoundedCheck.js';
import { checkShutdownBudget } from './shutdownBudget.js';

/** Options of `GracefulShutdown`. */
export interface GracefulShutdownOptions {
  /** Its readiness fails the moment shutdown starts; liveness keeps passing. Default: none. */
  checker?: HealthChecker;
  /** Kubernetes' termination grace period in ms. Default 30 000. */
  gracePeriodMs?: number;
  /** Wait after failing readiness so endpoints stop routing here before draining. Default 5 000. */
  readinessDelayMs?: number;
  /** Longest wait for in-flight requests and tracked tasks. Default 10 000. */
  drainTimeoutMs?: number;
  /** Default timeout of each hook. Default 3 000. */
  hookTimeoutMs?: number;
  /** Signals that start the shutdown once `install()` is called. Default SIGTERM and SIGINT. */
  signals?: readonly NodeJS.Signals[];
  /**
   * Process mode (default true): exit 0 after a clean shutdown (1 when a hook failed or timed out),
   * and exit at once on a second signal. False is library mode: `process.exit` is never called.
   */
  exit?: boolean;
  /** Default: info lines on stderr. */
  logger?: Logger;
}

/** How one shutdown hook ended, and how long it took. */
export interface HookReport {
  name: string;
  outcome: 'ok' | 'failed' | 'timed out';
  error?: string;
  durationMs: number;
}

/** How a graceful shutdown went: drained or not, and each hook. */
export interface ShutdownReport {
  reason: string;
  /** All requests and tasks finished within the drain timeout. */
  drained: boolean;
  /** A second signal cut the shutdown short. */
  forced: boolean;
  hooks: HookReport[];
  durationMs: number;
  exitCode: number;
}

const MARGIN_MS = 1_000;

function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Settles with the outcome of `work`, or "timed out" after `ms`. */
async function within(work: () => unknown, ms: number): Promise<Pick<HookReport, 'outcome' | 'error'>> {
  const timer = delay(ms);
  try {
    return await Promise.race([
      Promise.resolve()
        .then(work)
        .then(
          () => ({ outcome: 'ok' as const }),
          (error: unknown) => ({ outcome: 'failed' as const, error: errorText(error) }),
        ),
      timer.promise.then(() => ({ outcome: 'timed out' as const })),
    ]);
  } finally {
    timer.cancel();
  }
}

/**
 * Graceful shutdown for Kubernetes: on SIGTERM readiness fails at once while liveness keeps answering,
 * in-flight requests and tracked tasks drain (bounded), hooks run in reverse order of registration
 * with their own timeouts (register the database close first so it runs last), then the process
 * exits 0. A second signal exits at once. The worst case is checked against the grace period.
 */
export class GracefulShutdown {
  private readonly options: Required<Omit<GracefulShutdownOptions, 'checker'>> & { checker?: HealthChecker };
  private readonly hooks: { name: string; run: () => unknown; timeoutMs: number }[] = [];
  private readonly servers = new Set<Server>();
  private readonly tasks = new Set<Promise<unknown>>();
  private inFlight = 0;
  private notifyIdle: (() => void) | undefined;
  private running: Promise<ShutdownReport> | undefined;
  private forceResolve: ((report: ShutdownReport) => void) | undefined;
  private installed = false;
  private readonly onSignal = (signal: NodeJS.Signals) => this.handleSignal(signal);

  constructor(options: GracefulShutdownOptions = {}) {
    this.options = {
      checker: options.checker,
      gracePeriodMs: options.gracePeriodMs ?? HEALTH_DEFAULTS.gracePeriodMs,
      readinessDelayMs: options.readinessDelayMs ?? HEALTH_DEFAULTS.readinessDelayMs,
      drainTimeoutMs: options.drainTimeoutMs ?? HEALTH_DEFAULTS.drainTimeoutMs,
      hookTimeoutMs: options.hookTimeoutMs ?? HEALTH_DEFAULTS.hookTimeoutMs,
      signals: options.signals ?? ['SIGTERM', 'SIGINT'],
      exit: options.exit ?? true,
      logger: options.logger ?? createLogger('info'),
    };
    for (const key of ['gracePeriodMs', 'readinessDelayMs', 'drainTimeoutMs', 'hookTimeoutMs'] as const) {
      const value = this.options[key];
      if (!Number.isFinite(value) || value < 0) {
        throw new ValidationError(`${key} must be a number of milliseconds >= 0, got ${String(value)}`);
      }
    }
  }

  /** True once shutdown has started. */
  get shuttingDown(): boolean {
    return this.running !== undefined;
  }

  /** Requests currently being served by tracked servers. */
  get inFlightRequests(): number {
    return this.inFlight;
  }

  /** Adds a hook; hooks run in reverse order of registration. Rechecks the budget once installed. */
  addHook(name: string, run: () => unknown, options: { timeoutMs?: number } = {}): this {
    if (typeof run !== 'function') throw new ValidationError(`shutdown hook "${name}" needs a function`);
    const timeoutMs = options.timeoutMs ?? this.options.hookTimeoutMs;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new ValidationError(
        `timeoutMs of shutdown hook "${name}" must be positive, got ${String(timeoutMs)}`,
      );
    }
    this.hooks.push({ name, run, timeoutMs });
    if (this.installed) {
      try {
        this.checkBudget();
      } catch (error) {
        this.hooks.pop();
        throw error;
      }
    }
    return this;
  }

  /**
   * Counts a node:http server's requests so shutdown waits for them; during shutdown its responses
   * carry `Connection: close`, and it is closed once drained.
   */
  trackServer(server: Server): this {
    if (this.servers.has(server)) return this;
    this.servers.add(server);
    server.prependListener('request', (_req, res) => {
      this.inFlight++;
      if (this.running) res.setHeader('connection', 'close');
      res.once('close', () => {
        this.inFlight--;
        this.checkIdle();
      });
    });
    return this;
  }

  /** Registers work shutdown must wait for (bounded by the drain timeout); returns it unchanged. */
  track<T>(task: Promise<T>): Promise<T> {
    const settled = task.then(
      () => {},
      () => {},
    );
    this.tasks.add(settled);
    void settled.then(() => {
      this.tasks.delete(settled);
      this.checkIdle();
    });
    return task;
  }

  /** Checks the budget, then starts listening for the signals. */
  install(): this {
    if (this.installed) return this;
    this.checkBudget();
    for (const signal of this.options.signals) process.on(signal, this.onSignal);
    this.installed = true;
    return this;
  }

  /** Stops listening for the signals. */
  uninstall(): void {
    for (const signal of this.options.signals) process.off(signal, this.onSignal);
    this.installed = false;
  }

  /** Worst-case shutdown time in ms; throws a ConfigError when it exceeds the grace period. */
  checkBudget(): number {
    return checkShutdownBudget({ ...this.options, hooks: this.hooks, marginMs: MARGIN_MS });
  }

  /** Runs the shutdown sequence once; later calls return the same report. */
  shutdown(reason = 'shutdown requested'): Promise<ShutdownReport> {
    if (!this.running) {
      this.running = new Promise<ShutdownReport>((resolve) => {
        this.forceResolve = resolve;
        void this.sequence(reason).then(resolve);
      });
    }
    return this.running;
  }

  private handleSignal(signal: NodeJS.Signals): void {
    if (!this.running) {
      void this.shutdown(signal).then((report) => this.exit(report.exitCode));
      return;
    }
    const code = 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1);
    this.options.logger.warn('second signal during shutdown: exiting now', { signal });
    this.forceResolve?.({
      reason: signal,
      drained: false,
      forced: true,
      hooks: [],
      durationMs: 0,
      exitCode: code,
    });
    this.exit(code);
  }

  private exit(code: number): void {
    if (this.options.exit) process.exit(code);
  }

  private async sequence(reason: string): Promise<ShutdownReport> {
    const started = performance.now();
    const { checker, logger, readinessDelayMs, drainTimeoutMs } = this.options;
    checker?.beginShutdown();
    logger.info('shutdown started: readiness now fails', { reason });
    try {
      this.checkBudget();
    } catch (error) {
      logger.warn(errorText(error));
    }
    if (readinessDelayMs > 0) await delay(readinessDelayMs).promise;

    const drained = await this.drain(drainTimeoutMs);
    if (!drained) logger.warn('drain timed out', { inFlight: this.inFlight, tasks: this.tasks.size });
    await this.closeServers();

    const hooks: HookReport[] = [];
    for (const hook of [...this.hooks].reverse()) {
      const hookStarted = performance.now();
      const outcome = await within(hook.run, hook.timeoutMs);
      const report: HookReport = { name: hook.name, ...outcome, durationMs: performance.now() - hookStarted };
      if (outcome.outcome !== 'ok')
        logger.warn(`shutdown hook ${outcome.outcome}`, { hook: hook.name, error: outcome.error });
      hooks.push(report);
    }
    const exitCode = hooks.every((h) => h.outcome === 'ok') ? 0 : 1;
    const durationMs = performance.now() - started;
    logger.info('shutdown complete', { drained, exitCode, durationMs: Math.round(durationMs) });
    return { reason, drained, forced: false, hooks, durationMs, exitCode };
  }

  private idle(): boolean {
    return this.inFlight === 0 && this.tasks.size === 0;
  }

  private checkIdle(): void {
    if (this.idle()) this.notifyIdle?.();
  }

  private async drain(timeoutMs: number): Promise<boolean> {
    // Idle keep-alive connections stay open until the servers close: closing them now would race
    // with a client reusing one (probes included); responses meanwhile carry Connection: close.
    if (this.idle()) return true;
    const timer = delay(timeoutMs);
    try {
      return await Promise.race([
        new Promise<boolean>((resolve) => {
          this.notifyIdle = () => resolve(true);
        }),
        timer.promise.then(() => false),
      ]);
    } finally {
      timer.cancel();
      this.notifyIdle = undefined;
    }
  }

  private async closeServers(): Promise<void> {
    await Promise.all(
      [...this.servers].map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            // Whatever is still open after the drain is cut: the budget is spent.
            server.closeAllConnections();
          }),
      ),
    );
  }
}
