import type { LogRecord, PositionedLogRecord } from './logQueries.js';

/**
 * What a live tail has shown, so each poll shows only records it has not: polls read from a floor
 * `lookbackMs` before the newest record seen (never before the start), because a record may be
 * stored after a newer one (writers flush in batches, clocks differ); the ids seen inside that
 * lookback are remembered and skipped. Pure: the caller runs the queries.
 */
export class LogTail {
  private readonly seen = new Map<string, number>();
  private newestMicros: number;

  /**
   * @param startMicros Where the tail starts (epoch microseconds): records before it are never shown.
   * @param lookbackMs How late a record may be stored and still be shown. Default 10 s.
   */
  constructor(
    private readonly startMicros: number,
    private readonly lookbackMs = 10_000,
  ) {
    this.newestMicros = startMicros;
  }

  /** The time (epoch microseconds) the next poll reads from. */
  get floorMicros(): number {
    return Math.max(this.startMicros, this.newestMicros - this.lookbackMs * 1000);
  }

  /**
   * The records of a poll (oldest first) not shown before, in order; remembers them. When the poll
   * was cut at its limit (`full`), the floor moves to its last record so the next poll progresses.
   */
  accept(rows: readonly PositionedLogRecord[], full = false): LogRecord[] {
    const fresh: LogRecord[] = [];
    for (const { cursor, ...record } of rows) {
      if (cursor.at < this.startMicros || this.seen.has(cursor.id)) continue;
      this.seen.set(cursor.id, cursor.at);
      fresh.push(record);
      this.newestMicros = Math.max(this.newestMicros, cursor.at);
    }
    const last = rows.at(-1);
    if (full && last)
      this.newestMicros = Math.max(this.newestMicros, last.cursor.at + this.lookbackMs * 1000);
    const floor = this.floorMicros;
    for (const [id, at] of this.seen) if (at < floor) this.seen.delete(id);
    return fresh;
  }
}
