import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketKey, bucketValue, LogSketch } from '../../../src/metrics/LogSketch.js';
import { METRIC_COLUMNS, rawRow } from '../../../src/metrics/metricRows.js';
import { testSeries } from '../../helpers/series.js';
import { onRealServer, testDatabaseUrl, useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();

describe('SQL sketch functions', () => {
  it('map values to the same bucket keys and representative values as the library', async () => {
    const values = [1e-300, 5e-324, 0.001, 0.5, 1, 1.0202, 42, 1234.5678, 1e12, 1.7e308, -3.5, -1e-9, 0];
    const { rows } = await ctx.db.query<{ key: number; value: number }>(
      `SELECT ${ctx.db.table('metric_bucket_key')}(v) AS key,
              ${ctx.db.table('metric_bucket_value')}(${ctx.db.table('metric_bucket_key')}(v)) AS value
         FROM unnest($1::float8[]) AS v`,
      [values],
    );
    rows.forEach((row, i) => {
      expect(row.key, `key of ${values[i]}`).toBe(bucketKey(values[i]!));
      expect(row.value).toBeCloseTo(bucketValue(row.key), 10);
    });
  });

  it('gives NULL keys for NaN and infinities instead of failing', async () => {
    const { rows } = await ctx.db.query<{ key: number | null }>(
      `SELECT ${ctx.db.table('metric_bucket_key')}(v) AS key FROM unnest(ARRAY['NaN','Infinity','-Infinity']::float8[]) AS v`,
    );
    expect(rows.map((r) => r.key)).toEqual([null, null, null]);
  });

  it('computes the same quantiles of a sketch as the library', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (values, p) => {
          const sketch = new LogSketch();
          for (const v of values) sketch.add(v);
          const { keys, counts } = sketch.toBuckets();
          const { rows } = await ctx.db.query<{ q: number }>(
            `SELECT ${ctx.db.table('metric_sketch_quantile')}($1::int[], $2::int8[], $3, $4, $5) AS q`,
            [keys, counts, p, sketch.min, sketch.max],
          );
          const expected = sketch.quantile(p)!;
          expect(Math.abs(rows[0]!.q - expected)).toBeLessThanOrEqual(
            Math.max(Math.abs(expected) * 1e-9, 1e-300),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a percentile outside [0, 1] with a clear error', async () => {
    await expect(
      ctx.db.query(`SELECT ${ctx.db.table('metric_percentile')}('x', 1.5, now() - interval '1 hour', now())`),
    ).rejects.toThrow(/percentile must be between 0 and 1/);
  });

  it('returns NULL when there is no data', async () => {
    const { rows } = await ctx.db.query<{ q: number | null }>(
      `SELECT ${ctx.db.table('metric_percentile')}('nothing', 0.5, now() - interval '1 day', now()) AS q`,
    );
    expect(rows[0]!.q).toBeNull();
  });
});

describe.runIf(onRealServer && existsSync('/usr/bin/psql'))('the SQL surface from psql', () => {
  it('gives p50/p95/p99 to psql with the documented query', async () => {
    const series = testSeries('psql_ms', { route: '/x' });
    const rows = Array.from({ length: 100 }, (_, i) =>
      rawRow(series, 'histogram', i + 1, new Date(Date.now() - 60_000)),
    );
    await ctx.db.copyRows('metrics', METRIC_COLUMNS, rows);
    const sql = `SET search_path = "${ctx.db.schema}", public;
      SELECT metric_percentile('psql_ms', 0.50, now() - interval '1 day', now()) AS p50,
             metric_percentile('psql_ms', 0.95, now() - interval '1 day', now(), '{"route":"/x"}') AS p95,
             metric_percentile('psql_ms', 0.99, now() - interval '1 day', now()) AS p99;`;
    const out = spawnSync('psql', [testDatabaseUrl!, '-X', '-A', '-t', '-F', ',', '-c', sql], {
      encoding: 'utf8',
    });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim().split('\n').at(-1)).toBe('50.5,95.05,99.01');
  });
});
