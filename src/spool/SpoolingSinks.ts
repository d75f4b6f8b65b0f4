import { deserialize, serialize } from 'node:v8';
import { type Clock, systemClock } from '../clock.js';
import { isTransientError } from '../db/isTransientError.js';
import { statusOf } from '../http/httpError.js';
import type { OtlpSinks } from '../http/otlpHandlers.js';
import type { Logger } from '../logger.js';
import type { DecodedLogs, DecodedMetrics, DecodedTraces } from '../otlp/otlpModel.js';
import { type RetryOptions, retryDelay } from '../retryDelay.js';
import { claimOrphanSlots, claimSpoolSlots, removeIfEmpty, type SpoolSlot } from './claimSpoolSlots.js';
import { Spool, type SpoolEntry, type SpoolStats } from './Spool.js';

export type SpooledSignal = 'traces' | 'metrics' | 'logs';

const TAGS: Record<SpooledSignal, number> = { traces: 1, metrics: 2, logs: 3 };
const SIGNALS: Record<number, SpooledSignal> = { 1: 'traces', 2: 'metrics', 3: 'logs' };

type Decoded = DecodedTraces | DecodedMetrics | DecodedLogs;

export interface SpoolingSinksOptions {
  /** Where requests are stored: the database sinks. */
  inner: OtlpSinks;
  /** The destination folder (`spoolFolder(config)`); this process takes a slot folder under it. */
  folder: string;
  /** Disk budget of this process's spool in bytes. */
  maxBytes: number;
  logger: Logger;
  clock?: Clock;
  /** Segment file size. Default: maxBytes / 16, within 1–64 MiB. */
  segmentBytes?: number;
  /** Backoff of the drainer while the database is away. Default: `{ baseMs: 100, maxMs: 2_000 }`. */
  retry?: RetryOptions;
  /**
   * A direct store still running after this long is treated as the database being away: the request
   * is kept in the spool and answered, so the sender (the OpenTelemetry SDKs wait 10 s) gets its 200
   * in time; if the slow store commits too, the replay skips its rows as duplicates. Default: 5 000 ms.
   */
  directTimeoutMs?: number;
  /**
   * Told of a task that settles once the spool is empty again (or, once `shuttingDown` says so, as
   * soon as the database is found away): `GracefulShutdown.track`, so a shutdown waits, within its
   * drain timeout, for accepted requests to be stored rather than leaving them for the next start.
   */
  track?: (task: Promise<void>) => void;
  /** Whether the process is shutting down (`HealthChecker.shuttingDown`). Default: never. */
  shuttingDown?: () => boolean;
  /** How often an idle drainer looks for slots left by processes that died. Default: 60 000 ms. */
  orphanScanMs?: number;
  /** Told of each request kept in the spool, and of each record moved to the dead-letter file. */
  onSpooled?: (signal: SpooledSignal) => void;
  onDeadLetter?: (signal: SpooledSignal | 'unknown') => void;
}

function spoolOptionsOf(options: SpoolingSinksOptions) {
  return {
    maxBytes: options.maxBytes,
    segmentBytes: options.segmentBytes,
    clock: options.clock,
    logger: options.logger,
  };
}

/** Spool depth as `pgtel status` and `/metrics` show it. */
export interface SpoolingStats extends SpoolStats {
  /** This process's spool folder. */
  folder: string;
}

/** A store error the database may not give again: connection lost, pool or statement timeout, shutdown. */
export function isRetryableStoreError(error: unknown): boolean {
  const status = statusOf(error);
  return isTransientError(error) || status === 503 || status === 504;
}

/**
 * OTLP sinks that make "accepted" mean "kept": a request is stored directly while nothing waits in
 * the spool (the 200 then means committed); when the database is away (a retryable error) it is
 * appended to a local spool and fsync'd before the 200, and a drainer stores the spool's records in
 * order, through the same sinks, once the database is back. A record the database refuses for good
 * goes to a dead-letter file, counted and logged.
 *
 * Metric requests keep their order: while any metric record waits, new ones queue behind it
 * (cumulative points become deltas against the previous one). Trace and log requests have no order
 * (records carry their own times), so once
 * the database answers again they are stored directly while the drainer catches up on the backlog.
 * Replaying a record whose commit was not acknowledged is safe: the stores skip duplicates.
 */
export class SpoolingSinks implements OtlpSinks {
  /** True from a retryable failure until the next store succeeds: requests go straight to the spool. */
  private databaseAway = false;
  private stopping = false;
  private wakeIdle: (() => void) | undefined;
  private wakeBackoff: (() => void) | undefined;
  private loop: Promise<void> = Promise.resolve();
  private nextOrphanScan: number;
  /** Settles the task given to `track` for the records now waiting; undefined when none is out. */
  private settleTracked: (() => void) | undefined;
  private readonly clock: Clock;

  /** Spools of processes gone before they drained: emptied first, then released. */
  private readonly orphans: { spool: Spool; slot: SpoolSlot }[] = [];
  /** Appends not yet on disk, by signal: a metric request queues behind those too. */
  private readonly appending: Record<SpooledSignal, number> = { traces: 0, metrics: 0, logs: 0 };

  private constructor(
    private readonly options: SpoolingSinksOptions,
    private readonly own: { spool: Spool; slot: SpoolSlot },
  ) {
    this.clock = options.clock ?? systemClock;
    this.nextOrphanScan = this.clock.now() + (options.orphanScanMs ?? 60_000);
  }

  /** Takes over slots left by processes that died: those with records are drained before our own. */
  private async adopt(slots: SpoolSlot[]): Promise<void> {
    for (const slot of slots) {
      let spool: Spool;
      try {
        spool = await Spool.open(slot.folder, spoolOptionsOf(this.options));
      } catch (error) {
        slot.release();
        this.options.logger.error('spool: could not open a slot left by another process', {
          folder: slot.folder,
          error,
        });
        continue;
      }
      if (spool.stats().records > 0) {
        this.options.logger.info('spool: storing the records of a process that stopped before it could', {
          folder: slot.folder,
          records: spool.stats().records,
        });
        this.orphans.push({ spool, slot });
      } else {
        await spool.close({ removeIfEmpty: true });
        slot.release();
      }
    }
  }

  /** Claims a slot, recovers what previous runs left (its own and orphaned slots), starts the drainer. */
  static async open(options: SpoolingSinksOptions): Promise<SpoolingSinks> {
    const { own, orphans } = claimSpoolSlots(options.folder);
    let spool: Spool;
    try {
      spool = await Spool.open(own.folder, spoolOptionsOf(options));
    } catch (error) {
      for (const slot of [own, ...orphans]) slot.release();
      throw error;
    }
    const sinks = new SpoolingSinks(options, { spool, slot: own });
    await sinks.adopt(orphans);
    sinks.loop = sinks.drainLoop();
    return sinks;
  }

  readonly traces = (decoded: DecodedTraces): Promise<void> => this.store('traces', decoded);
  readonly metrics = (decoded: DecodedMetrics): Promise<void> => this.store('metrics', decoded);
  readonly logs = (decoded: DecodedLogs): Promise<void> => this.store('logs', decoded);

  /** Depth of every spool this process drains (its own and adopted ones), without I/O. */
  stats(): SpoolingStats {
    const all = [...this.orphans, this.own].map((s) => s.spool.stats());
    const oldest = all.map((s) => s.oldestAppendedAt).filter((t): t is number => t !== undefined);
    return {
      folder: this.own.slot.folder,
      records: all.reduce((sum, s) => sum + s.records, 0),
      bytes: all.reduce((sum, s) => sum + s.bytes, 0),
      diskBytes: all.reduce((sum, s) => sum + s.diskBytes, 0),
      oldestAppendedAt: oldest.length > 0 ? Math.min(...oldest) : undefined,
      deadLetters: all.reduce((sum, s) => sum + s.deadLetters, 0),
    };
  }

  /**
   * Stops the drainer (after the store in progress), waits for pending appends and closes the files:
   * every record appended is on disk and is stored by the next start. An empty spool leaves no folder.
   */
  async close(): Promise<void> {
    this.stopping = true;
    this.settle();
    this.wakeIdle?.();
    this.wakeBackoff?.();
    await this.loop;
    for (const { spool, slot } of [...this.orphans, this.own]) {
      await spool.close({ removeIfEmpty: true });
      slot.release();
    }
    removeIfEmpty(this.options.folder);
  }

  private pendingOf(signal: SpooledSignal): number {
    const onDisk = [...this.orphans, this.own].reduce((sum, s) => sum + s.spool.pending(TAGS[signal]), 0);
    return onDisk + this.appending[signal];
  }

  private async store(signal: SpooledSignal, decoded: Decoded): Promise<void> {
    const queueBehind = this.databaseAway || (signal === 'metrics' && this.pendingOf('metrics') > 0);
    if (!queueBehind) {
      try {
        if (await this.storedInTime(signal, decoded)) {
          this.databaseAway = false;
          return;
        }
        this.options.logger.warn('database too slow: OTLP requests are kept in the spool until it answers', {
          folder: this.own.slot.folder,
          afterMs: this.options.directTimeoutMs ?? 5_000,
        });
        this.databaseAway = true;
      } catch (error) {
        if (!isRetryableStoreError(error)) throw error;
        if (!this.databaseAway) {
          this.options.logger.warn(
            'database unavailable: OTLP requests are kept in the spool until it is back',
            {
              folder: this.own.slot.folder,
              error,
            },
          );
        }
        this.databaseAway = true;
      }
    }
    // SpoolFullError (503 with Retry-After) when the budget is used up: the sender keeps the request.
    this.appending[signal]++;
    try {
      await this.own.spool.append(serialize(decoded), TAGS[signal]);
    } finally {
      this.appending[signal]--;
    }
    this.options.onSpooled?.(signal);
    if (this.options.track && !this.settleTracked) {
      this.options.track(
        new Promise<void>((resolve) => {
          this.settleTracked = resolve;
        }),
      );
    }
    this.wakeIdle?.();
  }

  /** Stores directly; false when the store is still running after `directTimeoutMs` (it goes on). */
  private async storedInTime(signal: SpooledSignal, decoded: Decoded): Promise<boolean> {
    const store = this.storeDirectly(signal, decoded);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.directTimeoutMs ?? 5_000);
    });
    try {
      return await Promise.race([store.then(() => true as const), late]);
    } finally {
      clearTimeout(timer);
      // A late store that fails later is the spooled copy's to retry: nothing to report.
      store.catch(() => {});
    }
  }

  private storeDirectly(signal: SpooledSignal, decoded: Decoded): Promise<void> {
    const { inner } = this.options;
    if (signal === 'traces') return inner.traces(decoded as DecodedTraces);
    if (signal === 'logs') return inner.logs(decoded as DecodedLogs);
    return inner.metrics(decoded as DecodedMetrics);
  }

  /** Stores the records one at a time, oldest first, acknowledging each only once committed. */
  private async drainLoop(): Promise<void> {
    let failures = 0;
    let drained = 0;
    const startedAt = this.clock.now();
    while (!this.stopping) {
      const current = this.orphans[0] ?? this.own;
      let entry: SpoolEntry | undefined;
      try {
        entry = await current.spool.next();
      } catch (error) {
        this.options.logger.error('spool: reading a record failed', { folder: current.slot.folder, error });
        await this.backoff(++failures);
        continue;
      }
      if (!entry) {
        if (current !== this.own) {
          this.orphans.shift();
          await current.spool.close({ removeIfEmpty: true });
          current.slot.release();
          continue;
        }
        this.settle();
        if (drained > 0) {
          this.options.logger.info('spool drained: every accepted request is stored', {
            records: drained,
            ms: this.clock.now() - startedAt,
          });
          drained = 0;
        }
        await this.idle();
        // Now and then, look for slots of processes that died since (their records wait for us).
        if (!this.stopping && this.clock.now() >= this.nextOrphanScan) {
          this.nextOrphanScan = this.clock.now() + (this.options.orphanScanMs ?? 60_000);
          await this.adopt(claimOrphanSlots(this.options.folder));
        }
        continue;
      }
      const outcome = await this.replay(entry);
      try {
        if (outcome === 'stored') await current.spool.ack(entry);
        else if (outcome === 'refused') await current.spool.deadLetter(entry);
      } catch (error) {
        // Stored but not acknowledged: it is replayed, and skipped as a duplicate.
        this.options.logger.error('spool: moving past a record failed', {
          folder: current.slot.folder,
          error,
        });
        await this.backoff(++failures);
        continue;
      }
      if (outcome === 'retry') {
        // Shutting down with the database away: stop waiting, the next start stores what is left.
        if (this.options.shuttingDown?.()) this.settle();
        await this.backoff(++failures);
        continue;
      }
      failures = 0;
      drained++;
    }
  }

  /** Stores one record: `stored`, `retry` (the database is away), or `refused` (it never will be). */
  private async replay(entry: SpoolEntry): Promise<'stored' | 'retry' | 'refused'> {
    const signal = SIGNALS[entry.tag];
    let decoded: unknown;
    try {
      if (!signal) throw new Error(`unknown record tag ${entry.tag}`);
      decoded = deserialize(entry.payload);
      await this.storeDirectly(signal, decoded as Decoded);
      this.databaseAway = false;
      return 'stored';
    } catch (error) {
      if (signal && decoded !== undefined && isRetryableStoreError(error)) {
        this.databaseAway = true;
        return 'retry';
      }
      this.databaseAway = false;
      this.options.logger.error('spool: a record the database refuses was moved to the dead-letter file', {
        folder: this.own.slot.folder,
        signal,
        appendedAt: new Date(entry.appendedAt).toISOString(),
        error,
      });
      this.options.onDeadLetter?.(signal ?? 'unknown');
      return 'refused';
    }
  }

  private settle(): void {
    this.settleTracked?.();
    this.settleTracked = undefined;
  }

  /** Waits for an append, a close, or the next look for orphaned slots. */
  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      // An append or a close may have come while the loop was busy: look before sleeping.
      if (this.stopping || this.own.spool.stats().records > 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.wakeIdle = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, this.nextOrphanScan - this.clock.now()));
      timer.unref();
      this.wakeIdle = done;
    });
  }

  /** Waits before the next try after `failures` consecutive failures (1 after the first). */
  private backoff(failures: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const ms = retryDelay(failures, this.options.retry, { baseMs: 100, maxMs: 2_000 });
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeBackoff = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wakeBackoff = done;
    });
  }
}
