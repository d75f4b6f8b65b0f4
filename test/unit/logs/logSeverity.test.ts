import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { minSeverityNumber, severityName } from '../../../src/logs/logSeverity.js';

describe('log severities', () => {
  it('reads a minimum severity by name (any case) or number', () => {
    expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((n) => minSeverityNumber(n))).toEqual([
      1, 5, 9, 13, 17, 21,
    ]);
    expect(minSeverityNumber('Error')).toBe(17);
    expect(minSeverityNumber('24')).toBe(24);
    expect(minSeverityNumber(1)).toBe(1);
  });

  it('refuses anything else, naming the parameter', () => {
    for (const bad of ['', 'warning', '0', '25', '-1', '1.5', 'constructor', 30]) {
      expect(() => minSeverityNumber(bad, 'source.severity')).toThrow(ValidationError);
      expect(() => minSeverityNumber(bad, 'source.severity')).toThrow(/^source\.severity must be one of/);
    }
  });

  it('names the range of a number', () => {
    expect([0, 1, 4, 5, 9, 12, 13, 17, 20, 21, 24].map(severityName)).toEqual([
      'unspecified',
      'trace',
      'trace',
      'debug',
      'info',
      'info',
      'warn',
      'error',
      'error',
      'fatal',
      'fatal',
    ]);
  });
});
