import { describe, expect, it } from 'vitest';
import { recordedRows } from '../../../src/alerts/rules/recording/recordedRows.js';

describe('recordedRows', () => {
  it('renames each result series, puts the rule labels on top and stamps the evaluation time', () => {
    const { rows, series } = recordedRows(
      { record: 'job:up:sum', labels: { env: 'prod' } },
      [
        { labels: { __name__: 'up', job: 'api', env: 'dev' }, value: 3 },
        { labels: { job: 'db' }, value: Number.NaN },
      ],
      60_000,
    );
    expect(series.map((s) => [s.name, s.labels])).toEqual([
      ['job:up:sum', { job: 'api', env: 'prod' }],
      ['job:up:sum', { job: 'db', env: 'prod' }],
    ]);
    expect(
      rows.map((r) => [r[0], r[1], r[2], r[3].getTime(), r[12] === series[rows.indexOf(r)]!.id, r[17]]),
    ).toEqual([
      ['job:up:sum', 'sample', 3, 60_000, true, false],
      ['job:up:sum', 'sample', Number.NaN, 60_000, true, false],
    ]);
  });

  it('refuses a result whose series share one label set once renamed and relabelled', () => {
    expect(() =>
      recordedRows(
        { record: 'r', labels: { job: 'x' } },
        [
          { labels: { job: 'a' }, value: 1 },
          { labels: { job: 'b' }, value: 2 },
        ],
        0,
      ),
    ).toThrow(/two series with the labels \{"job":"x"\}/);
  });
});
