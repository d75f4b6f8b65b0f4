import { describe, expect, it } from 'vitest';
import { plural } from '../../../src/cli/plural.js';
import { renderStepTable } from '../../../src/cli/renderStepTable.js';
import { ROW_QUERY_KEYWORDS, statementKeyword } from '../../../src/cli/statementKeyword.js';
import { reachableUrl } from '../../../src/serve/reachableUrl.js';

describe('CLI formatting helpers', () => {
  it('counts in the singular and the plural', () => {
    expect([plural(0, 'error'), plural(1, 'error'), plural(2, 'error')]).toEqual([
      '0 errors',
      '1 error',
      '2 errors',
    ]);
    expect(plural(1, 'batch', 'batches')).toBe('1 batch');
    expect(plural(3, 'batch', 'batches')).toBe('3 batches');
  });

  it('finds the first keyword of a statement past comments and parentheses', () => {
    expect(statementKeyword('  delete from spans')).toBe('delete');
    expect(statementKeyword('-- note\n/* more */ (SELECT 1)')).toBe('select');
    expect(statementKeyword('WITH x AS (SELECT 1) SELECT * FROM x')).toBe('with');
    expect(statementKeyword('/* only a comment */')).toBe('');
    expect(['select', 'with', 'values', 'table'].every((k) => ROW_QUERY_KEYWORDS.has(k))).toBe(true);
    for (const k of ['delete', 'insert', 'update', 'drop', 'copy', 'call', 'do'])
      expect(ROW_QUERY_KEYWORDS.has(k)).toBe(false);
  });

  it('prints a metric as a table of steps by lines, with - for a step without a value', () => {
    const t = Date.UTC(2026, 0, 1, 12);
    const text = renderStepTable([
      {
        labels: { queue: 'a' },
        points: [
          [t, 1],
          [t + 60_000, 2.123456789],
        ],
      },
      {
        labels: { queue: 'b' },
        points: [
          [t + 60_000, null],
          [t + 120_000, 3],
        ],
      },
    ]);
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => l.trim().split(/\s+/)),
    ).toEqual([
      ['time', 'queue=a', 'queue=b'],
      [expect.stringMatching(/^-+$/), expect.stringMatching(/^-+$/), expect.stringMatching(/^-+$/)],
      ['2026-01-01T12:00:00Z', '1', '-'],
      ['2026-01-01T12:01:00Z', '2.12346', '-'],
      ['2026-01-01T12:02:00Z', '-', '3'],
    ]);
    expect(renderStepTable([{ labels: {}, points: [[t, 5]] }])).toMatch(/^time\s+value$/m);
  });

  it('reaches a wildcard listen address on loopback', () => {
    expect(reachableUrl('0.0.0.0', 4318)).toBe('http://127.0.0.1:4318');
    expect(reachableUrl('::', 80)).toBe('http://[::1]:80');
    expect(reachableUrl('10.0.0.5', 1)).toBe('http://10.0.0.5:1');
    expect(reachableUrl('localhost', 2)).toBe('http://localhost:2');
  });
});
