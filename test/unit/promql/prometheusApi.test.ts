import { describe, expect, it } from 'vitest';
import { parseApiDuration, parseApiLimit, parseApiTime } from '../../../src/promql/apiParams.js';
import { MemorySampleSource, PromQLError } from '../../../src/promql/index.js';
import {
  type ApiContext,
  apiLabels,
  apiLabelValues,
  apiQuery,
  apiQueryRange,
  apiSeries,
  formatValue,
  requestTimeoutMs,
} from '../../../src/promql/prometheusApi.js';

const source = new MemorySampleSource();
for (let i = 0; i <= 20; i++) {
  source.add({ __name__: 'up', job: 'api', instance: 'a' }, i * 15_000, 1, false);
  source.add({ __name__: 'up', job: 'db', instance: 'b' }, i * 15_000, 0, false);
  source.add(
    { __name__: 'odd', job: 'api' },
    i * 15_000,
    [Number.NaN, Infinity, -Infinity, 1e-7][i % 4]!,
    false,
  );
}
const ctx: ApiContext = { source, nowMs: 300_000, timeoutMs: 10_000 };
const form = (params: Record<string, string | string[]>) => {
  const f = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of [v].flat()) f.append(k, one);
  return f;
};

async function failure(p: Promise<unknown>): Promise<PromQLError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PromQLError);
  return error as PromQLError;
}

describe('Prometheus API parameters', () => {
  it('reads times as unix seconds or RFC 3339, durations as float seconds or PromQL durations', () => {
    expect(parseApiTime('time', '1435781451.781')).toBe(1435781451781);
    expect(parseApiTime('time', '2015-07-01T20:10:51.781Z')).toBe(1435781451781);
    expect(parseApiTime('time', '2015-07-01T22:10:51+02:00')).toBe(1435781451000);
    expect(parseApiDuration('step', '15')).toBe(15_000);
    expect(parseApiDuration('step', '0.5')).toBe(500);
    expect(parseApiDuration('step', '1m30s')).toBe(90_000);
    expect(parseApiLimit('limit', undefined)).toBe(0);
    expect(parseApiLimit('limit', '3')).toBe(3);
  });

  it('names the parameter in Prometheus words when it does not parse', () => {
    expect(() => parseApiTime('start', 'yesterday')).toThrow(
      'invalid parameter "start": cannot parse "yesterday" to a valid timestamp',
    );
    expect(() => parseApiDuration('step', '5 minutes')).toThrow(
      'invalid parameter "step": cannot parse "5 minutes" to a valid duration',
    );
    expect(() => parseApiLimit('limit', '-1')).toThrow('invalid parameter "limit"');
    expect(() => requestTimeoutMs(form({ timeout: '0s' }), 1000)).toThrow('invalid parameter "timeout"');
    expect(requestTimeoutMs(form({ timeout: '200ms' }), 1000)).toBe(200);
    expect(requestTimeoutMs(form({ timeout: '1h' }), 1000)).toBe(1000);
  });

  it('writes values as Prometheus does', () => {
    expect([Number.NaN, Infinity, -Infinity, 1e-7, 1e21, 0.1, -0, 42].map(formatValue)).toEqual([
      'NaN',
      '+Inf',
      '-Inf',
      '1e-07',
      '1e+21',
      '0.1',
      '-0',
      '42',
    ]);
  });
});

describe('Prometheus API queries', () => {
  it('answers an instant query with string values and float-second times', async () => {
    const answer = await apiQuery(ctx, form({ query: 'sum by (job) (up)', time: '300' }));
    expect(answer.data).toEqual({
      resultType: 'vector',
      result: expect.arrayContaining([
        { metric: { job: 'api' }, value: [300, '1'] },
        { metric: { job: 'db' }, value: [300, '0'] },
      ]),
    });
    const odd = await apiQueryRange(ctx, form({ query: 'odd', start: '0', end: '45', step: '15s' }));
    expect(odd.data).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'odd', job: 'api' },
          values: [
            [0, 'NaN'],
            [15, '+Inf'],
            [30, '-Inf'],
            [45, '1e-07'],
          ],
        },
      ],
    });
  });

  it('truncates to limit with a warning', async () => {
    const answer = await apiQuery(ctx, form({ query: 'up', time: '300', limit: '1' }));
    expect(answer.data.result).toHaveLength(1);
    expect(answer.warnings).toEqual(['results truncated due to limit']);
  });

  it('refuses bad parameters naming them', async () => {
    expect((await failure(apiQuery(ctx, form({ query: 'sum(' })))).message).toMatch(
      /^invalid parameter "query": /,
    );
    const range = (p: Record<string, string>) =>
      failure(apiQueryRange(ctx, form({ query: 'up', start: '0', end: '60', step: '15', ...p })));
    expect((await range({ step: '0' })).message).toMatch(/^invalid parameter "step": zero or negative/);
    expect((await range({ end: '-5' })).message).toMatch(/^invalid parameter "end"/);
    expect((await range({ start: 'x' })).message).toMatch(/^invalid parameter "start"/);
    expect((await range({ step: '0.001', end: '100000' })).message).toMatch(/11,000 points/);
    const missing = await failure(apiQueryRange(ctx, form({ query: 'up', start: '0', end: '60' })));
    expect(missing.message).toBe('invalid parameter "step": parameter is missing');
    expect(missing.kind).toBe('bad_data');
  });

  it('stops a query that runs past its timeout, inside a long evaluation too', async () => {
    const slow = form({ query: 'count_over_time(up[1h:1ms])', time: '300', timeout: '1ms' });
    const error = await failure(apiQuery({ ...ctx, timeoutMs: requestTimeoutMs(slow, 10_000) }, slow));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('query timed out in query execution');
  });

  it('lists series, labels and label values, with match[] and limit', async () => {
    expect((await apiSeries(ctx, form({ 'match[]': ['up{job="db"}', 'odd'] }))).data).toEqual([
      { __name__: 'odd', job: 'api' },
      { __name__: 'up', instance: 'b', job: 'db' },
    ]);
    expect((await apiLabels(ctx, form({}))).data).toEqual(['__name__', 'instance', 'job']);
    expect((await apiLabels(ctx, form({ 'match[]': 'odd' }))).data).toEqual(['__name__', 'job']);
    expect((await apiLabelValues(ctx, 'job', form({ 'match[]': 'up' }))).data).toEqual(['api', 'db']);
    expect(await apiLabelValues(ctx, '__name__', form({ limit: '1' }))).toEqual({
      data: ['odd'],
      warnings: ['results truncated due to limit'],
    });
    expect((await apiSeries(ctx, form({ 'match[]': 'up', start: '400', end: '500' }))).data).toEqual([]);
  });

  it('refuses series reads without a selector or with one that matches everything', async () => {
    expect((await failure(apiSeries(ctx, form({})))).message).toBe('no match[] parameter provided');
    expect((await failure(apiSeries(ctx, form({ 'match[]': '{job=~".*"}' })))).message).toMatch(
      /non-empty matcher/,
    );
    expect((await failure(apiSeries(ctx, form({ 'match[]': 'rate(up[5m])' })))).message).toMatch(
      /^invalid parameter "match\[\]"/,
    );
    expect((await failure(apiLabelValues(ctx, 'a-b', form({})))).kind).toBe('bad_data');
  });
});
