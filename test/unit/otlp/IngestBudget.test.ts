import { describe, expect, it } from 'vitest';
import { OverloadedError } from '../../../src/errors.js';
import { IngestBudget } from '../../../src/otlp/IngestBudget.js';
import { OtlpDecodeError } from '../../../src/otlp/OtlpDecodeError.js';

describe('IngestBudget', () => {
  it('reserves while bytes fit and gives them back on release', () => {
    const budget = new IngestBudget(100);
    const a = budget.open();
    const b = budget.open();
    a.grow(60);
    expect(() => b.grow(50)).toThrow(OverloadedError);
    expect(budget.inUseBytes).toBe(60);
    b.grow(40);
    expect(budget.inUseBytes).toBe(100);
    a.release();
    a.release(); // twice is harmless
    expect(budget.inUseBytes).toBe(40);
    expect(budget.peakBytes).toBe(100);
    b.grow(60);
    b.release();
    expect(budget.inUseBytes).toBe(0);
  });

  it('refuses a request larger than the whole budget with a 413 (a retry cannot help), not a 429', () => {
    const budget = new IngestBudget(100);
    const only = budget.open();
    only.grow(80);
    const error = (() => {
      try {
        only.grow(30);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect((error as OtlpDecodeError).httpStatus).toBe(413);
    expect((error as Error).message).toMatch(/ingestMemoryBytes/);
    expect(budget.inUseBytes).toBe(80);
  });

  it('says when to come back on a 429', () => {
    const budget = new IngestBudget(10);
    budget.open().grow(10);
    const error = (() => {
      try {
        budget.open().grow(1);
      } catch (e) {
        return e as OverloadedError;
      }
    })();
    expect(error?.code).toBe('PGTEL_OVERLOADED');
    expect(error?.retryAfterSeconds).toBeGreaterThan(0);
  });
});
