import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import type { RemoteSeries } from '../../../src/prometheus/RemoteWrite.js';
import { storeRemoteWrite } from '../../../src/prometheus/storeRemoteWrite.js';
import { labelMatcherSql } from '../../../src/promql/labelMatcherSql.js';
import { PgSampleSource } from '../../../src/promql/PgSampleSource.js';
import { QueryLimitError } from '../../../src/promql/PromQLError.js';
import type { LabelMatcher } from '../../../src/promql/SampleSource.js';
import { insertMetricRow } from '../../helpers/insertMetricRow.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const T = Date.UTC(2026, 0, 5, 12, 0, 0);
const limits = { maxSamples: 10_000 };

function remote(name: string, labels: Record<string, string>, values: (number | 'stale')[]): RemoteSeries {
  return {
    name,
    labels,
    exemplars: [],
    samples: values.map((v, i) => ({
      timestampMs: T + i * 15_000,
      value: v === 'stale' ? Number.NaN : v,
      stale: v === 'stale',
    })),
  };
}

beforeAll(async () => {
  const series = [
    remote('req_total', { job: 'api', code: '200' }, [1, 2, 3, 4]),
    remote('req_total', { job: 'api', code: '500' }, [0, 1]),
    remote('req_total', { job: 'web', code: '200' }, [5, 6]),
    remote('req_latency', { job: 'api' }, [0.5]),
    remote('up', { job: 'gone' }, [1, Number.NaN, 'stale']),
  ];
  await storeRemoteWrite(ctx.db, { series, metadata: [], sampleCount: 13, skippedHistograms: 0 }, T);
  // A library counter stored as deltas (1..5 every 10 s), a gauge and a histogram of service `api`.
  await ctx.db.transaction(async (tx) => {
    for (let i = 0; i < 5; i++) {
      const at = new Date(T + (i + 1) * 10_000);
      const base = { service: 'api', resource: { 'service.instance.id': 'i-1' }, at };
      await insertMetricRow(tx, {
        ...base,
        name: 'app.requests',
        type: 'counter',
        labels: { 'http.route': '/a' },
        value: i + 1,
      });
      await insertMetricRow(tx, { ...base, name: 'app.queue', type: 'gauge', value: 10 * i });
      await insertMetricRow(tx, {
        ...base,
        name: 'app.latency',
        type: 'histogram',
        observations: [0.1, 0.3],
      });
    }
    await tx.query(
      `INSERT INTO ${tx.table('metric_descriptions')} (metric_name, instrument, unit) VALUES
         ('app.requests', 'counter', '{request}'), ('app.queue', 'gauge', '1'), ('app.latency', 'histogram', 's')`,
    );
  });
});

const source = () => new PgSampleSource(ctx.db);
const m = (name: string, type: LabelMatcher['type'], value: string): LabelMatcher => ({ name, type, value });

async function selected(matchers: LabelMatcher[], start = T - 1, end = T + 3_600_000): Promise<string[]> {
  const series = await source().select(matchers, start, end, limits);
  return series
    .map(
      (s) =>
        `${s.labels.__name__}{${Object.entries(s.labels)
          .filter(([k]) => k !== '__name__')
          .sort()
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}}`,
    )
    .sort();
}

describe('PgSampleSource', () => {
  it('selects remote-written series by label matchers with Prometheus semantics', async () => {
    expect(await selected([m('__name__', '=', 'req_total'), m('code', '!=', '200')])).toEqual([
      'req_total{code=500,job=api}',
    ]);
    expect(await selected([m('__name__', '=', 'req_total'), m('code', '=~', '20')])).toEqual([]);
    expect(
      await selected([m('__name__', '=', 'req_total'), m('code', '=~', '2.*'), m('job', '!~', 'a.+')]),
    ).toEqual(['req_total{code=200,job=web}']);
    expect(await selected([m('__name__', '=~', 'req_.*'), m('code', '=', '')])).toEqual([
      'req_latency{job=api}',
    ]);
    expect(await selected([m('__name__', '=~', 'req_total|up'), m('job', '=~', '(?i)API')])).toEqual([
      'req_total{code=200,job=api}',
      'req_total{code=500,job=api}',
    ]);
    expect(await selected([m('job', '=', 'web'), m('missing', '=', '')])).toEqual([
      'req_total{code=200,job=web}',
    ]);
  });

  it('returns sorted samples within the inclusive range, staleness markers flagged apart from NaN', async () => {
    const [api] = await source().select(
      [m('__name__', '=', 'req_total'), m('job', '=', 'api'), m('code', '=', '200')],
      T + 15_000,
      T + 45_000,
      limits,
    );
    expect(api).toEqual({
      labels: { __name__: 'req_total', job: 'api', code: '200' },
      timestamps: Float64Array.of(T + 15_000, T + 30_000, T + 45_000),
      values: Float64Array.of(2, 3, 4),
    });
    const [up] = await source().select([m('__name__', '=', 'up')], T, T + 60_000, limits);
    expect(up!.timestamps).toEqual(Float64Array.of(T, T + 15_000, T + 30_000));
    expect(up!.values).toEqual(Float64Array.of(1, Number.NaN, Number.NaN));
    expect(up!.stale).toEqual([false, false, true]);
  });

  it('refuses to load more than maxSamples with a QueryLimitError', async () => {
    await expect(
      source().select([m('__name__', '=', 'req_total')], T, T + 60_000, { maxSamples: 7 }),
    ).rejects.toBeInstanceOf(QueryLimitError);
    expect(
      (await source().select([m('__name__', '=', 'req_total')], T, T + 60_000, { maxSamples: 8 })).length,
    ).toBe(3);
  });

  it('refuses a malformed regular expression as invalid input', async () => {
    await expect(source().select([m('job', '=~', '(')], T, T + 60_000, limits)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('rebuilds cumulative counters from stored deltas, counting every delta before the range', async () => {
    const [counter] = await source().select(
      [m('__name__', '=', 'app_requests_total')],
      T + 30_000,
      T + 50_000,
      limits,
    );
    expect(counter!.labels).toEqual({
      __name__: 'app_requests_total',
      http_route: '/a',
      job: 'api',
      instance: 'i-1',
    });
    expect(counter!.timestamps).toEqual([T + 30_000, T + 40_000, T + 50_000]);
    expect(counter!.values).toEqual([6, 10, 15]);
    const [gauge] = await source().select(
      [m('__name__', '=', 'app_queue_ratio'), m('job', '=', 'api')],
      T,
      T + 60_000,
      limits,
    );
    expect(gauge!.values).toEqual([0, 10, 20, 30, 40]);
    const histogram = await source().select(
      [m('__name__', '=~', 'app_latency_seconds_(sum|count)')],
      T + 40_000,
      T + 50_000,
      limits,
    );
    const byName = Object.fromEntries(histogram.map((s) => [s.labels.__name__, s.values]));
    expect(byName.app_latency_seconds_count).toEqual([8, 10]);
    expect(byName.app_latency_seconds_sum![1]).toBeCloseTo(2);
  });

  it('lists label names and values of series with samples in the range', async () => {
    expect(await source().labelNames([m('__name__', '=', 'req_total')], T, T + 60_000)).toEqual([
      '__name__',
      'code',
      'job',
    ]);
    expect(
      await source().labelValues('job', [m('__name__', '=~', 'req_total|app_requests_total')], T, T + 60_000),
    ).toEqual(['api', 'web']);
    // The web series has no sample after T + 15 s.
    expect(
      await source().labelValues('job', [m('__name__', '=', 'req_total')], T + 20_000, T + 60_000),
    ).toEqual(['api']);
  });
});

describe('PgSampleSource series selection', () => {
  it('has matchers the metric_series indexes serve (btree on the name, GIN on the labels)', async () => {
    const plan = async (matchers: LabelMatcher[]) =>
      ctx.db.transaction(async (tx) => {
        // Tables this small are read whole by choice; the question is whether an index can serve.
        await tx.exec('SET LOCAL enable_seqscan = off');
        const { conditions, params } = labelMatcherSql(matchers, 's', 1);
        const { rows } = await tx.query(
          `EXPLAIN SELECT s.series_id FROM ${tx.table('metric_series')} s WHERE ${conditions.join(' AND ')}`,
          params,
        );
        return rows.map((r) => Object.values(r as object)[0]).join('\n');
      });
    expect(await plan([m('__name__', '=', 'req_total'), m('code', '!=', '200')])).toMatch(
      /metric_series_name_idx/,
    );
    expect(await plan([m('job', '=', 'api'), m('code', '=~', '5..')])).toMatch(/metric_series_labels_idx/);
  });
});
