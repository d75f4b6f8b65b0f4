import type { Clock } from '../clock.js';

/** A clock that only moves when told to: tests step through windows and deadlines without sleeping. */
export class ManualClock implements Clock {
  private current: number;

  /** Starts at `start` (default 2026-01-15T12:00:00Z). */
  constructor(start: number | Date | string = '2026-01-15T12:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(at: number | Date | string): void {
    this.current = new Date(at).getTime();
  }
}
