import { describe, expect, it } from 'vitest';
import { LogTail } from '../../../src/logs/LogTail.js';
import type { PositionedLogRecord } from '../../../src/logs/logQueries.js';

const S = 1_000_000;

function row(id: string, seconds: number): PositionedLogRecord {
  return {
    timestamp: new Date(seconds * 1000),
    observedTimestamp: null,
    severityNumber: 9,
    severityText: 'INFO',
    body: id,
    attributes: {},
    resource: {},
    serviceName: 'a',
    traceId: null,
    spanId: null,
    cursor: { at: seconds * S, id },
  };
}

const bodies = (records: { body: string }[]) => records.map((r) => r.body);

describe('LogTail', () => {
  it('shows each record once, never one from before the start', () => {
    const tail = new LogTail(100 * S, 10_000);
    expect(tail.floorMicros).toBe(100 * S);
    expect(bodies(tail.accept([row('old', 99), row('a', 100), row('b', 101)]))).toEqual(['a', 'b']);
    expect(bodies(tail.accept([row('a', 100), row('b', 101), row('c', 102)]))).toEqual(['c']);
  });

  it('reads back the lookback so a record stored late is still shown', () => {
    const tail = new LogTail(100 * S, 10_000);
    tail.accept([row('a', 120)]);
    expect(tail.floorMicros).toBe(110 * S);
    // Stored after `a` though it happened before it.
    expect(bodies(tail.accept([row('late', 115), row('a', 120)]))).toEqual(['late']);
    tail.accept([row('z', 200)]);
    expect(tail.floorMicros).toBe(190 * S);
  });

  it('moves on past a poll cut at its limit', () => {
    const tail = new LogTail(100 * S, 10_000);
    tail.accept([row('a', 101), row('b', 102)], true);
    expect(tail.floorMicros).toBe(102 * S);
    expect(bodies(tail.accept([row('b', 102), row('c', 102)]))).toEqual(['c']);
  });
});
