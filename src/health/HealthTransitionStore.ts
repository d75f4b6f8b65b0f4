import { hostname } from 'node:os';
import type { Database } from '../db/Database.js';
import { createLogger, type Logger } from '../logger.js';
import type { HealthTransition } from './HealthChecker.js';
import { errorText } from './runBoundedCheck.js';

/** Options of `HealthTransitionStore`. */
export interface HealthTransitionStoreOptions {
  /** Recorded with each row. Default: the host name (the pod name in Kubernetes). */
  instance?: string;
  /** Transitions kept in memory while the database is away; beyond, new ones are dropped and counted. Default 1 000. */
  maxQueued?: number;
  /** Default: warnings on stderr. */
  logger?: Logger;
}

/** A stored transition, newest first from `recent()`. */
export interface StoredHealthTransition extends HealthTransition {
  instance: string;
}

const COLUMNS = ['occurred_at', 'instance', 'kind', 'subject', 'from_status', 'to_status', 'message'];

/**
 * Stores health transitions in `health_transitions`. `record` (pass it as the checker's
 * `onTransition`) only queues in memory; `flush()` writes the queue with COPY, `start()` flushes
 * periodically. A failed flush keeps the rows for the next one.
 */
export class HealthTransitionStore {
  private readonly db: Database;
  private readonly instance: string;
  private readonly maxQueued: number;
  private readonly logger: Logger;
  private queue: StoredHealthTransition[] = [];
  private droppedCount = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(db: Database, options: HealthTransitionStoreOptions = {}) {
    this.db = db;
    this.instance = options.instance ?? hostname();
    this.maxQueued = options.maxQueued ?? 1_000;
    this.logger = options.logger ?? createLogger('warn');
  }

  /** Queues one transition; never waits, never throws. */
  readonly record = (transition: HealthTransition): void => {
    if (this.queue.length >= this.maxQueued) {
      this.droppedCount++;
      return;
    }
    this.queue.push({ ...transition, instance: this.instance });
  };

  /** Transitions dropped because the queue was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Writes every queued transition; on failure they stay queued and the error is thrown. */
  async flush(): Promise<number> {
    const batch = this.queue;
    if (batch.length === 0) return 0;
    this.queue = [];
    try {
      return await this.db.copyRows(
        'health_transitions',
        COLUMNS,
        batch.map((t) => [t.at, t.instance, t.kind, t.subject, t.from, t.to, t.message]),
      );
    } catch (error) {
      // Older rows first; what no longer fits is dropped and counted.
      const kept = [...batch, ...this.queue];
      this.droppedCount += Math.max(0, kept.length - this.maxQueued);
      this.queue = kept.slice(0, this.maxQueued);
      throw error;
    }
  }

  /** Flushes every `intervalMs` (default 5 000) in the background; failures are logged. */
  start(intervalMs = 5_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.flush().catch((error: unknown) =>
        this.logger.warn('could not store health transitions', { error: errorText(error) }),
      );
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The latest stored transitions, newest first, optionally of one subject. Default limit 100. */
  async recent(options: { subject?: string; limit?: number } = {}): Promise<StoredHealthTransition[]> {
    const rows = await this.db.query<{
      occurred_at: Date;
      instance: string;
      kind: 'check' | 'probe';
      subject: string;
      from_status: StoredHealthTransition['from'];
      to_status: StoredHealthTransition['to'];
      message: string;
    }>(
      `SELECT occurred_at, instance, kind, subject, from_status, to_status, message
         FROM ${this.db.table('health_transitions')}
        WHERE $1::text IS NULL OR subject = $1
        ORDER BY occurred_at DESC, id DESC
        LIMIT $2`,
      [options.subject ?? null, options.limit ?? 100],
    );
    return rows.rows.map((r) => ({
      at: r.occurred_at,
      instance: r.instance,
      kind: r.kind,
      subject: r.subject,
      from: r.from_status,
      to: r.to_status,
      message: r.message,
    }));
  }
}
