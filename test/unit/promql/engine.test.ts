import { describe, expect, it } from 'vitest';
import {
  instantQuery,
  MemorySampleSource,
  PromQLError,
  QueryAbortedError,
  QueryLimitError,
  type QueryResult,
  rangeQuery,
} from '../../../src/promql/index.js';

/** `name{labels}` sampled every `stepS` seconds from 0 with `values` (null: staleness marker). */
function source(series: { labels: Record<string, string>; stepS: number; values: (number | null)[] }[]) {
  const s = new MemorySampleSource();
  for (const { labels, stepS, values } of series) {
    values.forEach((v, i) => {
      s.add(labels, i * stepS * 1000, v ?? Number.NaN, v === null);
    });
  }
  return s;
}

function vector(r: QueryResult): Record<string, number> {
  if (r.resultType !== 'vector') throw new Error(`got ${r.resultType}`);
  return Object.fromEntries(r.result.map((s) => [JSON.stringify(s.metric), s.value[1]]));
}

const counter = source([
  {
    labels: { __name__: 'req_total', job: 'a' },
    stepS: 15,
    values: Array.from({ length: 41 }, (_, i) => i * 15),
  },
  {
    labels: { __name__: 'req_total', job: 'b' },
    stepS: 15,
    values: Array.from({ length: 41 }, (_, i) => i * 30),
  },
]);

describe('instantQuery', () => {
  it('extrapolates rate() to the window edges as Prometheus does', async () => {
    // Samples at 255..300s: 45s covered, extrapolated by the 15s gap to the window start.
    const r = vector(await instantQuery(counter, 'rate(req_total[1m])', 300_000));
    expect(Object.keys(r)).toEqual(['{"job":"a"}', '{"job":"b"}']);
    expect(r['{"job":"a"}']).toBeCloseTo(1, 12);
    expect(r['{"job":"b"}']).toBeCloseTo(2, 12);
  });

  it('adds counter resets back in increase()', async () => {
    const s = source([{ labels: { __name__: 'c_total' }, stepS: 30, values: [10, 20, 5] }]);
    const r = await instantQuery(s, 'increase(c_total[90s])', 60_000);
    // 15 observed over 60s of samples, extrapolated by the 30s gap to the window start: 15 * 90 / 60.
    expect(Object.values(vector(r))[0]).toBeCloseTo(22.5, 10);
  });

  it('hides a series from its staleness marker until its next sample', async () => {
    const s = source([{ labels: { __name__: 'up' }, stepS: 10, values: [1, null, 2] }]);
    expect(vector(await instantQuery(s, 'up', 5_000))).toEqual({ '{"__name__":"up"}': 1 });
    expect(vector(await instantQuery(s, 'up', 15_000))).toEqual({});
    expect(vector(await instantQuery(s, 'up', 25_000))).toEqual({ '{"__name__":"up"}': 2 });
  });

  it('honours the lookback delta option', async () => {
    const s = source([{ labels: { __name__: 'g' }, stepS: 60, values: [7] }]);
    expect(vector(await instantQuery(s, 'g', 120_000))).toEqual({ '{"__name__":"g"}': 7 });
    expect(vector(await instantQuery(s, 'g', 120_000, { lookbackDeltaMs: 60_000 }))).toEqual({});
  });

  it('reads the past with offset and a fixed time with @', async () => {
    expect(vector(await instantQuery(counter, 'req_total{job="a"} offset 1m', 300_000))).toEqual({
      '{"__name__":"req_total","job":"a"}': 240,
    });
    expect(vector(await instantQuery(counter, 'req_total{job="a"} @ 60', 300_000))).toEqual({
      '{"__name__":"req_total","job":"a"}': 60,
    });
  });

  it('aggregates by label and matches one-to-many with group_left', async () => {
    const s = source([
      { labels: { __name__: 'cpu', node: 'n1', core: '0' }, stepS: 60, values: [1] },
      { labels: { __name__: 'cpu', node: 'n1', core: '1' }, stepS: 60, values: [3] },
      { labels: { __name__: 'node_info', node: 'n1', zone: 'z' }, stepS: 60, values: [1] },
    ]);
    expect(vector(await instantQuery(s, 'sum by (node) (cpu)', 0))).toEqual({ '{"node":"n1"}': 4 });
    const joined = await instantQuery(s, 'cpu * on(node) group_left(zone) node_info', 0);
    expect(vector(joined)).toEqual({
      '{"node":"n1","core":"0","zone":"z"}': 1,
      '{"node":"n1","core":"1","zone":"z"}': 3,
    });
  });

  it('fails when dropping names leaves equal label sets', async () => {
    const s = source([
      { labels: { __name__: 'a', x: '1' }, stepS: 60, values: [1] },
      { labels: { __name__: 'b', x: '1' }, stepS: 60, values: [2] },
    ]);
    await expect(instantQuery(s, 'abs({x="1"})', 0)).rejects.toThrow(
      'vector cannot contain metrics with the same labelset',
    );
  });

  it('returns scalars and strings', async () => {
    expect(await instantQuery(counter, '1 + 2 * 3', 5_000)).toEqual({
      resultType: 'scalar',
      result: [5_000, 7],
    });
    expect(await instantQuery(counter, '"x"', 5_000)).toEqual({ resultType: 'string', result: [5_000, 'x'] });
  });
});

describe('rangeQuery', () => {
  it('evaluates every step and evaluates subqueries on their own aligned steps', async () => {
    const r = await rangeQuery(counter, 'sum(rate(req_total[1m]))', 120_000, 240_000, 60_000);
    if (r.resultType !== 'matrix') throw new Error(r.resultType);
    expect(r.result.map((s) => s.metric)).toEqual([{}]);
    expect(r.result[0]!.values.map(([t, v]) => [t, Math.round(v * 1e9) / 1e9])).toEqual([
      [120_000, 3],
      [180_000, 3],
      [240_000, 3],
    ]);
    const sub = await rangeQuery(
      counter,
      'max_over_time(req_total{job="a"}[2m:1m])',
      120_000,
      180_000,
      60_000,
    );
    expect(sub.resultType === 'matrix' && sub.result[0]?.values).toEqual([
      [120_000, 120],
      [180_000, 180],
    ]);
  });

  it('rejects invalid options as bad data naming the option', async () => {
    await expect(instantQuery(counter, 'req_total', 0, { lookbackDeltaMs: 0 })).rejects.toMatchObject({
      kind: 'bad_data',
      message: 'lookbackDeltaMs must be a positive number, got 0',
    });
  });

  it('rejects range vectors and non-positive steps as bad data', async () => {
    await expect(rangeQuery(counter, 'req_total[1m]', 0, 60_000, 15_000)).rejects.toMatchObject({
      kind: 'bad_data',
    });
    await expect(rangeQuery(counter, 'req_total', 0, 60_000, 0)).rejects.toBeInstanceOf(PromQLError);
  });
});

describe('limits and cancellation', () => {
  it('throws QueryLimitError past maxSamples', async () => {
    const error = await instantQuery(counter, 'req_total[10m]', 600_000, { maxSamples: 10 }).catch((e) => e);
    expect(error).toBeInstanceOf(QueryLimitError);
    expect(error).toMatchObject({ kind: 'execution', maxSamples: 10 });
  });

  it('reports an aborted query as canceled, or as a timeout for a TimeoutError reason', async () => {
    const canceled = await instantQuery(counter, 'req_total', 0, { signal: AbortSignal.abort() }).catch(
      (e) => e,
    );
    expect(canceled).toBeInstanceOf(QueryAbortedError);
    expect(canceled.kind).toBe('canceled');
    const reason = new DOMException('too slow', 'TimeoutError');
    const timedOut = await instantQuery(counter, 'req_total', 0, { signal: AbortSignal.abort(reason) }).catch(
      (e) => e,
    );
    expect(timedOut.kind).toBe('timeout');
  });
});

describe('MemorySampleSource', () => {
  it('selects by anchored regular expressions within inclusive time bounds', async () => {
    const got = await counter.select([{ name: 'job', type: '=~', value: 'a|B' }], 15_000, 30_000, {
      maxSamples: 100,
    });
    expect(got.map((s) => [s.labels, [...s.timestamps], [...s.values]])).toEqual([
      [{ __name__: 'req_total', job: 'a' }, [15_000, 30_000], [15, 30]],
    ]);
    expect(await counter.labelValues('job', [], 0, 1_000)).toEqual(['a', 'b']);
    expect(await counter.labelNames([{ name: 'job', type: '=', value: 'b' }], 0, 1_000)).toEqual([
      '__name__',
      'job',
    ]);
  });
});
