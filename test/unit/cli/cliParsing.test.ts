import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../src/cli/formatDuration.js';
import { parseDuration } from '../../../src/cli/parseDuration.js';
import { parseMatcher } from '../../../src/cli/parseMatcher.js';
import { styleFor } from '../../../src/cli/Style.js';
import { UsageError } from '../../../src/cli/UsageError.js';
import { wrapUserQuery } from '../../../src/cli/wrapUserQuery.js';

describe('wrapUserQuery', () => {
  it('wraps one query as a subquery with a bound row limit, trailing semicolons dropped', () => {
    expect(wrapUserQuery('  SELECT 1 ;; \n')).toBe(
      'SELECT * FROM (\nSELECT 1\n) AS pgtel_user_query LIMIT $1::int8',
    );
  });

  it('keeps a trailing line comment from swallowing the closing parenthesis', () => {
    expect(wrapUserQuery('SELECT 1 -- note')).toContain('-- note\n)');
  });

  it('refuses an empty query as a usage error', () => {
    expect(() => wrapUserQuery(' ; ')).toThrow(UsageError);
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
