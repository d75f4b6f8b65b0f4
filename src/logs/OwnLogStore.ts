import type { LogLevel } from '../config.js';
import type { DatabaseSession } from '../db/Database.js';
import { type Logger, logLevelAllows } from '../logger.js';
import type {
  Attributes,
  AttributeValue,
  OtlpLogRecord,
  OtlpResource,
  OtlpScope,
} from '../otlp/otlpModel.js';
import { redact } from '../redact.js';
import type { LogRow } from './LogRow.js';
import { otlpLogRow } from './otlpLogRows.js';
import { writeLogRows } from './writeLogRows.js';

/** Options of {@link OwnLogStore}. */
export interface OwnLogStoreOptions {
  /** Where the records are stored (the `logs` table of its schema). */
  db: DatabaseSession;
  /** Receives every line as before, and the store's own write problems (never stored, so never a loop). */
  inner: Logger;
  /** Lowest level stored, as the inner logger's. */
  level: LogLevel;
  /** Records waiting to be stored at most; beyond, new records are dropped and counted. Default: 1,000. */
  capacity?: number;
  /** Time between two writes, in milliseconds. Default: 1,000. */
  flushIntervalMs?: number;
}

/** Counters of an {@link OwnLogStore}. */
export interface OwnLogStats {
  stored: number;
  /** Dropped because the queue was full or a write failed. */
  dropped: number;
}

const SEVERITY = {
  debug: [5, 'DEBUG'],
  info: [9, 'INFO'],
  warn: [13, 'WARN'],
  error: [17, 'ERROR'],
} as const;

const RESOURCE: OtlpResource = {
  attributes: { 'service.name': 'pgtel' },
  serviceName: 'pgtel',
  droppedAttributesCount: 0,
  schemaUrl: '',
};
const SCOPE: OtlpScope = {
  name: 'pgtel',
  version: '',
  attributes: {},
  droppedAttributesCount: 0,
  schemaUrl: '',
};

/** A field of a log line as an attribute: secrets redacted, errors by message, objects as JSON text. */
function attributeValue(value: unknown): AttributeValue {
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (value instanceof Error) return redact(value.message);
  return redact(JSON.stringify(value, (_k, v) => (v instanceof Error ? v.message : v)) ?? String(value));
}

/**
 * `pgtel serve`'s own log lines stored in the `logs` table, as service `pgtel` (option
 * `storeOwnLogs`). `logger` writes each line to the inner logger as before and queues it as a log
 * record; a timer stores the queue every `flushIntervalMs`. Memory is bounded (`capacity` records;
 * beyond, new records are dropped and counted) and there is no recursion: the store never logs
 * through `logger`, only through the inner logger, and a failed write is dropped, not retried.
 */
export class OwnLogStore {
  readonly logger: Logger;
  private queue: LogRow[] = [];
  private readonly counters: OwnLogStats = { stored: 0, dropped: 0 };
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** Set by a failed write, so an outage is reported once, not every second. */
  private failing = false;
  /** Epoch nanoseconds at `process.hrtime` zero: distinct, ordered times for lines of the same millisecond. */
  private readonly epochOffset = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

  constructor(private readonly options: OwnLogStoreOptions) {
    const { inner, level } = options;
    const line =
      (at: keyof typeof SEVERITY) =>
      (message: string, fields?: Record<string, unknown>): void => {
        inner[at](message, fields);
        if (logLevelAllows(level, at)) this.enqueue(at, message, fields);
      };
    this.logger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1_000).unref();
  }

  stats(): OwnLogStats {
    return { ...this.counters };
  }

  /** Stores what is queued; resolves once written (or dropped on failure). */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  /** Stores what is queued and stops; lines logged afterwards go to the inner logger only. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
  }

  private enqueue(at: keyof typeof SEVERITY, message: string, fields?: Record<string, unknown>): void {
    if (this.closed) return;
    if (this.queue.length >= (this.options.capacity ?? 1_000)) {
      this.counters.dropped++;
      return;
    }
    const attributes: Attributes = {};
    for (const [key, value] of Object.entries(fields ?? {})) attributes[key] = attributeValue(value);
    const time = this.epochOffset + process.hrtime.bigint();
    const [severityNumber, severityText] = SEVERITY[at];
    const record: OtlpLogRecord = {
      resource: RESOURCE,
      scope: SCOPE,
      timeUnixNano: time,
      observedTimeUnixNano: time,
      severityNumber,
      severityText,
      body: redact(message),
      attributes,
      droppedAttributesCount: 0,
      flags: 0,
      traceId: null,
      spanId: null,
    };
    this.queue.push(otlpLogRow(record));
  }

  private async write(): Promise<void> {
    const rows = this.queue;
    if (rows.length === 0) return;
    this.queue = [];
    const result = await writeLogRows(this.options.db, rows);
    this.counters.stored += result.written + result.duplicates;
    const lost = result.rejected.length + result.retryable.length;
    const wasFailing = this.failing;
    this.failing = lost > 0;
    if (lost === 0) return;
    this.counters.dropped += lost;
    if (wasFailing) return;
    const error = result.transientError ?? result.rejected[0]?.error;
    this.options.inner.warn("pgtel's own log records not stored", {
      count: lost,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
