const DAY_MS = 86_400_000;

/** How far ahead of the server's clock a time may be, by default: one day. */
export const DEFAULT_MAX_FUTURE_MS = DAY_MS;

/**
 * The times ingest accepts for a table: no older than its retention (the partition manager would
 * drop them at once, or they would sit in the default partition that retention never drops) and no
 * more than `maxFutureMs` ahead of now.
 */
export interface TimeWindow {
  /** Oldest accepted instant, epoch milliseconds: now minus the retention. */
  oldestMs: number;
  /** Newest accepted instant, epoch milliseconds: now plus `maxFutureMs`. */
  newestMs: number;
  /** The table's retention in days (for messages). */
  retentionDays: number;
  /** How far ahead of now times are accepted, in milliseconds (for messages). */
  maxFutureMs: number;
}

/** Why a time falls outside a {@link TimeWindow}. */
export interface TimeWindowViolation {
  /** `too-old` (past retention) or `too-new` (too far in the future): what refusals are grouped by. */
  kind: 'too-old' | 'too-new';
  /** Readable, e.g. `1970-01-01T00:00:00Z is older than the 30-day retention`. */
  reason: string;
}

/**
 * The window of accepted times at `nowMs` for a table kept `retentionDays` days. Pure.
 *
 * @param maxFutureMs how far ahead of now times are accepted (default one day)
 */
export function timeWindow(
  nowMs: number,
  retentionDays: number,
  maxFutureMs: number = DEFAULT_MAX_FUTURE_MS,
): TimeWindow {
  return {
    oldestMs: nowMs - retentionDays * DAY_MS,
    newestMs: nowMs + maxFutureMs,
    retentionDays,
    maxFutureMs,
  };
}

/** Epoch nanoseconds as ISO-8601 UTC to the second (`1970-01-01T00:00:00Z`), for messages. */
function isoSeconds(unixNano: bigint): string {
  const ms = Number(unixNano / 1_000_000n);
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${unixNano} ns` : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function duration(ms: number): string {
  if (ms % DAY_MS === 0) return ms === DAY_MS ? 'a day' : `${ms / DAY_MS} days`;
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? 'an hour' : `${ms / 3_600_000} hours`;
  return `${ms} ms`;
}

/**
 * Whether a time (epoch nanoseconds, as OTLP carries it) is inside the window: undefined when it is,
 * else why not. Spans check their start time, metric points their time. Pure.
 */
export function checkTimeWindow(window: TimeWindow, unixNano: bigint): TimeWindowViolation | undefined {
  // Compared in nanoseconds: a bigint never overflows, whatever the sender put in a fixed64.
  if (unixNano < BigInt(window.oldestMs) * 1_000_000n) {
    return {
      kind: 'too-old',
      reason: `${isoSeconds(unixNano)} is older than the ${window.retentionDays}-day retention`,
    };
  }
  if (unixNano > BigInt(window.newestMs) * 1_000_000n) {
    return {
      kind: 'too-new',
      reason: `${isoSeconds(unixNano)} is more than ${duration(window.maxFutureMs)} in the future`,
    };
  }
  return undefined;
}
