import { describe, expect, it } from 'vitest';
import { retryableFailure } from '../../../src/db/retryableFailure.js';
import {
  DatabaseError,
  NotFoundError,
  OverloadedError,
  UnavailableError,
  ValidationError,
} from '../../../src/errors.js';
import { statusOf } from '../../../src/http/httpError.js';

const sql = (sqlState: string) => new DatabaseError(`failed [${sqlState}]`, { sqlState, sql: 'SELECT 1' });

describe('retryableFailure', () => {
  it.each([
    ['serialization failure', sql('40001')],
    ['deadlock', sql('40P01')],
    ['admin shutdown', sql('57P01')],
    ['crash shutdown', sql('57P02')],
    ['cannot connect now', sql('57P03')],
    ['too many connections', sql('53300')],
    ['statement timeout', sql('57014')],
    ['connection failure', sql('08006')],
    ['pool acquire timeout (raw driver error)', new Error('timeout exceeded when trying to connect')],
    ['connection cut mid-query', new Error('Connection terminated unexpectedly')],
    ['pool closed by shutdown', new Error('Cannot use a pool after calling end on the pool')],
    ['pgtel unavailable', new UnavailableError('shutting down')],
  ])('%s is retryable: unavailable', (_name, error) => {
    expect(retryableFailure(error)).toEqual({ kind: 'unavailable', retryAfterSeconds: 5 });
  });

  it('pgtel at capacity is retryable: overloaded (HTTP 429)', () => {
    expect(retryableFailure(new OverloadedError('full', { retryAfterSeconds: 3 }))).toEqual({
      kind: 'overloaded',
      retryAfterSeconds: 3,
    });
    expect(statusOf(new OverloadedError('full'))).toBe(429);
  });

  it.each([
    ['unique violation', sql('23505')],
    ['syntax error', sql('42601')],
    ['bad input mentioning a timeout', new ValidationError('timeout must be positive')],
    ['not found', new NotFoundError('no trace')],
    ['a bug', new TypeError('x is undefined')],
    ['SQL text that names a connection', new DatabaseError('boom (while running: SELECT connect_timeout)')],
  ])('%s is not retryable', (_name, error) => {
    expect(retryableFailure(error)).toBeUndefined();
  });

  it('maps to HTTP: 503 for transient database conditions (never 500), 504 for the API statement timeout', () => {
    expect(statusOf(new Error('timeout exceeded when trying to connect'))).toBe(503);
    expect(statusOf(sql('40P01'))).toBe(503);
    expect(statusOf(sql('57014'))).toBe(504);
    expect(statusOf(new TypeError('bug'))).toBe(500);
  });
});
