import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../src/cli/formatDuration.js';
import { parseDuration } from '../../../src/cli/parseDuration.js';
import { parseMatcher } from '../../../src/cli/parseMatcher.js';
import { styleFor } from '../../../src/cli/Style.js';
import { UsageError } from '../../../src/cli/UsageError.js';
import { userQueryBody, wrappedUserQuery } from '../../../src/schema/runAsReader.js';

describe('the user query wrapper of runAsReader', () => {
  it('drops trailing semicolons and wraps one query as a sub-select with bound time and row limit', () => {
    expect(userQueryBody('  SELECT 1 ;; \n')).toBe('SELECT 1');
    expect(userQueryBody(' ; ')).toBe('');
    expect(wrappedUserQuery('SELECT 1')).toBe(
      'SELECT to_json(r) AS row FROM (\nSELECT 1\n) AS r WHERE $1::timestamptz IS NOT NULL LIMIT $2::int8',
    );
  });

  it('keeps a trailing line comment from swallowing the closing parenthesis', () => {
    expect(wrappedUserQuery('SELECT 1 -- note')).toContain('-- note\n)');
  });
});

describe('parseMatcher', () => {
  it('parses the four operators, the value keeping any later = or ~', () => {
    expect(parseMatcher('alertname=HighLatency')).toEqual({
      name: 'alertname',
      op: '=',
      value: 'HighLatency',
    });
    expect(parseMatcher('env!=prod')).toEqual({ name: 'env', op: '!=', value: 'prod' });
    expect(parseMatcher('route=~/api/.*')).toEqual({ name: 'route', op: '=~', value: '/api/.*' });
    expect(parseMatcher('x!~a=b')).toEqual({ name: 'x', op: '!~', value: 'a=b' });
    expect(parseMatcher('empty=')).toEqual({ name: 'empty', op: '=', value: '' });
  });

  it('refuses text without an operator or with a bad name', () => {
    expect(() => parseMatcher('alertname')).toThrow(UsageError);
    expect(() => parseMatcher('1x=y')).toThrow(/name=value/);
  });
});

describe('parseDuration and formatDuration', () => {
  it('parses units and plain milliseconds', () => {
    expect(parseDuration('--for', '90s')).toBe(90_000);
    expect(parseDuration('--for', '2h')).toBe(7_200_000);
    expect(parseDuration('--for', '1.5d')).toBe(129_600_000);
    expect(parseDuration('--for', '250')).toBe(250);
  });

  it('refuses zero, negatives and unknown units naming the flag', () => {
    for (const bad of ['0', '-1h', '1w', 'soon', ''])
      expect(() => parseDuration('--for', bad)).toThrow(/--for must be a duration/);
  });

  it('formats durations at a readable precision', () => {
    expect(formatDuration(0.25)).toBe('250µs');
    expect(formatDuration(12.34)).toBe('12.3ms');
    expect(formatDuration(450.4)).toBe('450ms');
    expect(formatDuration(4200)).toBe('4.20s');
    expect(formatDuration(185_000)).toBe('3m05s');
    expect(formatDuration(7_800_000)).toBe('2h10m');
  });
});

describe('styleFor', () => {
  it('colours only on a terminal without NO_COLOR', () => {
    expect(styleFor({ env: {}, isTTY: true }).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(styleFor({ env: { NO_COLOR: '1' }, isTTY: true }).red('x')).toBe('x');
    expect(styleFor({ env: {}, isTTY: false }).red('x')).toBe('x');
    expect(styleFor({ env: {} }).bold('x')).toBe('x');
  });
});
