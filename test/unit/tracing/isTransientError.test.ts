import { describe, expect, it } from 'vitest';
import { isTransientError } from '../../../src/db/isTransientError.js';
import { DatabaseError } from '../../../src/errors.js';

describe('isTransientError', () => {
  it('retries connection, shutdown, resource and conflict errors', () => {
    for (const sqlState of ['08006', '57P01', '53300', '40001', '40P01']) {
      expect(isTransientError(new DatabaseError('x', { sqlState })), sqlState).toBe(true);
    }
  });

  it('does not retry data errors', () => {
    for (const sqlState of ['23514', '22P02', '23505', '42P01', '54000']) {
      expect(isTransientError(new DatabaseError('x', { sqlState })), sqlState).toBe(false);
    }
    expect(isTransientError(new TypeError('bad value'))).toBe(false);
  });

  it('retries network failures without a SQLSTATE, looking through causes', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(isTransientError(new DatabaseError('wrapped', { cause: refused }))).toBe(true);
    expect(isTransientError(new Error('Connection terminated unexpectedly'))).toBe(true);
  });
});
