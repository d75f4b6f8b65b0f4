import { describe, expect, it } from 'vitest';
import { checkTimeWindow, timeWindow } from '../../../src/otlp/timeWindow.js';

const NOW = Date.UTC(2026, 5, 15, 12);
const DAY = 86_400_000;
const nanos = (ms: number) => BigInt(ms) * 1_000_000n;

describe('timeWindow', () => {
  const window = timeWindow(NOW, 30);

  it('accepts times from the retention cutoff to a day ahead, both ends included', () => {
    expect(window).toEqual({
      oldestMs: NOW - 30 * DAY,
      newestMs: NOW + DAY,
      retentionDays: 30,
      maxFutureMs: DAY,
    });
    expect(checkTimeWindow(window, nanos(NOW))).toBeUndefined();
    expect(checkTimeWindow(window, nanos(NOW - 30 * DAY))).toBeUndefined();
    expect(checkTimeWindow(window, nanos(NOW + DAY))).toBeUndefined();
  });

  it('says why a time is outside, to the second', () => {
    expect(checkTimeWindow(window, nanos(NOW - 30 * DAY) - 1n)).toEqual({
      kind: 'too-old',
      reason: '2026-05-16T11:59:59Z is older than the 30-day retention',
    });
    expect(checkTimeWindow(window, 0n)).toEqual({
      kind: 'too-old',
      reason: '1970-01-01T00:00:00Z is older than the 30-day retention',
    });
    expect(checkTimeWindow(window, nanos(NOW + DAY) + 1n)).toEqual({
      kind: 'too-new',
      reason: '2026-06-16T12:00:00Z is more than a day in the future',
    });
  });

  it('handles the extremes of a fixed64 and a signed int64 without overflow', () => {
    expect(checkTimeWindow(window, 2n ** 64n - 1n)?.reason).toBe(
      '2554-07-21T23:34:33Z is more than a day in the future',
    );
    expect(checkTimeWindow(window, -(2n ** 63n))?.kind).toBe('too-old');
  });

  it('names other future limits in days or hours', () => {
    expect(checkTimeWindow(timeWindow(NOW, 7, 2 * DAY), nanos(NOW + 3 * DAY))?.reason).toBe(
      '2026-06-18T12:00:00Z is more than 2 days in the future',
    );
    expect(checkTimeWindow(timeWindow(NOW, 7, 3_600_000), nanos(NOW + 2 * 3_600_000))?.reason).toBe(
      '2026-06-15T14:00:00Z is more than an hour in the future',
    );
  });
});
