import type { Clock } from '../src/clock.js';

/** Environment variable carrying the soak's clock offset (milliseconds) to its child processes. */
export const CLOCK_OFFSET_ENV = 'PGTEL_SOAK_CLOCK_OFFSET_MS';

/**
 * The system clock shifted by a fixed offset, so a soak can put a process a few seconds before a
 * month boundary without touching the machine's time or any library default.
 */
export function offsetClock(offsetMs: number): Clock {
  return { now: () => Date.now() + offsetMs };
}

/** The offset clock the soak runner passed in the environment (no offset when unset). */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const offset = Number(env[CLOCK_OFFSET_ENV] ?? 0);
  return offsetClock(Number.isFinite(offset) ? offset : 0);
}

/** First millisecond of the UTC month after `ms`. */
export function nextMonthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
