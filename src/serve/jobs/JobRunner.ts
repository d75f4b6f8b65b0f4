import type { Logger } from '../../logger.js';

/** A background job of `pgtel serve`. Jobs must be safe to run on several processes at once. */
export interface Job {
  name: string;
  /** Period between the end of one run and the start of the next, in milliseconds. */
  intervalMs: number;
  run(signal: AbortSignal): Promise<unknown>;
}

export interface JobStats {
  name: string;
  runs: number;
  failures: number;
  lastDurationMs: number | undefined;
  lastError: string | undefined;
  lastFinishedAt: Date | undefined;
}

/**
 * Runs jobs periodically, one run of a job at a time (the next is scheduled after the previous ends,
 * with up to 10% jitter so several instances spread out). A failing run is logged and counted, never
 * fatal. `stop()` cancels the timers and waits for runs in flight.
 */
export class JobRunner {
  private readonly jobs = new Map<
    string,
    { job: Job; stats: JobStats; timer?: NodeJS.Timeout; running?: Promise<void> }
  >();
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private readonly onFinished: ((stats: JobStats, error: unknown) => void) | undefined;
  private started = false;

  constructor(options: { logger: Logger; onFinished?: (stats: JobStats, error: unknown) => void }) {
    this.logger = options.logger;
    this.onFinished = options.onFinished;
  }

  add(job: Job): this {
    this.jobs.set(job.name, {
      job,
      stats: {
        name: job.name,
        runs: 0,
        failures: 0,
        lastDurationMs: undefined,
        lastError: undefined,
        lastFinishedAt: undefined,
      },
    });
    if (this.started) this.schedule(job.name, 0);
    return this;
  }

  /** Starts every job: each runs once right away, then every interval. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const name of this.jobs.keys()) this.schedule(name, 0);
  }

  /** Runs one job now (waiting for a run in flight first) and resolves when it is done. */
  async runNow(name: string): Promise<void> {
    const entry = this.jobs.get(name);
    if (!entry) throw new Error(`unknown job ${name}`);
    await this.enqueue(entry);
  }

  stats(): JobStats[] {
    return [...this.jobs.values()].map((e) => ({ ...e.stats }));
  }

  async stop(): Promise<void> {
    this.started = false;
    this.abort.abort();
    for (const entry of this.jobs.values()) clearTimeout(entry.timer);
    await Promise.all([...this.jobs.values()].map((e) => e.running));
  }

  private schedule(name: string, delayMs: number): void {
    const entry = this.jobs.get(name);
    if (!entry || !this.started) return;
    entry.timer = setTimeout(() => {
      void this.enqueue(entry).then(() =>
        this.schedule(name, entry.job.intervalMs * (1 + Math.random() * 0.1)),
      );
    }, delayMs);
    entry.timer.unref();
  }

  /** Chains a run after the one in flight, so one job never runs twice at once. */
  private enqueue(entry: { job: Job; stats: JobStats; running?: Promise<void> }): Promise<void> {
    const run = (entry.running ?? Promise.resolve()).then(() => this.execute(entry));
    entry.running = run;
    return run;
  }

  private async execute(entry: { job: Job; stats: JobStats }): Promise<void> {
    const started = performance.now();
    let failure: unknown;
    try {
      await entry.job.run(this.abort.signal);
    } catch (error) {
      failure = error;
      entry.stats.failures++;
      entry.stats.lastError = (error as Error)?.message ?? String(error);
      if (!this.abort.signal.aborted)
        this.logger.warn(`job ${entry.job.name} failed`, { error: entry.stats.lastError });
    }
    entry.stats.runs++;
    entry.stats.lastDurationMs = performance.now() - started;
    entry.stats.lastFinishedAt = new Date();
    this.onFinished?.({ ...entry.stats }, failure);
  }
}
