import { describe, expect, test } from 'vitest';
import { decodeMetricsRequest } from '../../../src/otlp/decodeMetricsRequest.js';
import { encodings, hexId, kv, metricsRequest, metricsType, SPAN_ID, TRACE_ID } from './otlpFixtures.js';

const CONTENT_TYPES = { protobuf: 'application/x-protobuf', json: 'application/json' } as const;
const T0 = '1700000000000000000';
const T1 = '1700000060000000001';
const times = { startTimeUnixNano: T0, timeUnixNano: T1 };
const exemplar = {
  filteredAttributes: [kv('user', { stringValue: 'u1' })],
  timeUnixNano: '1700000030000000000',
  asDouble: 12.5,
  traceId: hexId(TRACE_ID),
  spanId: hexId(SPAN_ID),
};

describe.each(['protobuf', 'json'] as const)('decodeMetricsRequest, %s', (format) => {
  const decode = (metrics: object[]) =>
    decodeMetricsRequest(encodings(metricsType, metricsRequest(metrics))[format], CONTENT_TYPES[format]);

  test('gauge and sum points with attributes, times, int and double values, exemplars', async () => {
    const { metrics, rejected } = await decode([
      {
        name: 'queue.lag',
        description: 'lag',
        unit: 's',
        gauge: { dataPoints: [{ ...times, asDouble: -1.5, attributes: [kv('q', { stringValue: 'a' })] }] },
      },
      {
        name: 'jobs',
        sum: {
          aggregationTemporality: 1,
          isMonotonic: true,
          dataPoints: [
            { ...times, asInt: '-9007199254740993', exemplars: [exemplar, { asInt: '3' }] },
            { ...times, asInt: '0', flags: 0 },
          ],
        },
      },
    ]);
    expect(rejected).toBe(0);
    const [gauge, sum] = metrics;
    expect(gauge).toMatchObject({
      name: 'queue.lag',
      description: 'lag',
      unit: 's',
      type: 'gauge',
      resource: { serviceName: 'worker' },
      scope: { name: 'meter', version: '2' },
    });
    expect(gauge!.dataPoints).toEqual([
      {
        attributes: { q: 'a' },
        startTimeUnixNano: 1_700_000_000_000_000_000n,
        startTime: new Date(1_700_000_000_000),
        timeUnixNano: 1_700_000_060_000_000_001n,
        time: new Date(1_700_000_060_000),
        flags: 0,
        noRecordedValue: false,
        value: -1.5,
        exemplars: [],
      },
    ]);
    expect(sum).toMatchObject({ type: 'sum', temporality: 'delta', isMonotonic: true });
    expect(sum!.dataPoints.map((p) => ('value' in p ? p.value : undefined))).toEqual([-9007199254740992, 0]);
    expect(sum!.type === 'sum' && sum!.dataPoints[0]!.exemplars).toEqual([
      {
        filteredAttributes: { user: 'u1' },
        timeUnixNano: 1_700_000_030_000_000_000n,
        time: new Date(1_700_000_030_000),
        value: 12.5,
        traceId: TRACE_ID,
        spanId: SPAN_ID,
      },
      { filteredAttributes: {}, timeUnixNano: 0n, time: new Date(0), value: 3, traceId: null, spanId: null },
    ]);
  });

  test('histograms: explicit bounds, bucket counts, optional sum/min/max', async () => {
    const { metrics, rejected } = await decode([
      {
        name: 'latency',
        unit: 'ms',
        histogram: {
          aggregationTemporality: 2,
          dataPoints: [
            {
              ...times,
              count: '6',
              sum: 0,
              min: 0,
              max: 900,
              explicitBounds: [10, 100],
              bucketCounts: ['3', '2', '1'],
              exemplars: [exemplar],
            },
            { ...times, count: '0' },
          ],
        },
      },
    ]);
    expect(rejected).toBe(0);
    expect(metrics[0]).toMatchObject({ type: 'histogram', temporality: 'cumulative' });
    expect(metrics[0]!.dataPoints).toMatchObject([
      {
        count: 6,
        sum: 0,
        min: 0,
        max: 900,
        explicitBounds: [10, 100],
        bucketCounts: [3, 2, 1],
        exemplars: [{}],
      },
      { count: 0, sum: null, min: null, max: null, explicitBounds: [], bucketCounts: [], exemplars: [] },
    ]);
  });

  test('exponential histograms: scale, zero count and threshold, positive and negative buckets', async () => {
    const { metrics } = await decode([
      {
        name: 'size',
        exponentialHistogram: {
          aggregationTemporality: 1,
          dataPoints: [
            {
              ...times,
              count: '10',
              sum: 20.5,
              scale: -3,
              zeroCount: '2',
              zeroThreshold: 0.001,
              positive: { offset: -2, bucketCounts: ['1', '0', '4'] },
              negative: { offset: 5, bucketCounts: ['3'] },
              min: -40,
              max: 9,
            },
          ],
        },
      },
    ]);
    expect(metrics[0]).toMatchObject({ type: 'exponentialHistogram', temporality: 'delta' });
    expect(metrics[0]!.dataPoints[0]).toMatchObject({
      count: 10,
      sum: 20.5,
      scale: -3,
      zeroCount: 2,
      zeroThreshold: 0.001,
      positive: { offset: -2, bucketCounts: [1, 0, 4] },
      negative: { offset: 5, bucketCounts: [3] },
      min: -40,
      max: 9,
    });
  });

  test('summaries: count, sum, quantiles', async () => {
    const { metrics } = await decode([
      {
        name: 'rpc.duration',
        summary: {
          dataPoints: [
            {
              ...times,
              count: '4',
              sum: 10,
              quantileValues: [
                { quantile: 0, value: 1 },
                { quantile: 0.5, value: 2 },
                { quantile: 1, value: 4 },
              ],
            },
          ],
        },
      },
    ]);
    expect(metrics[0]).toMatchObject({ type: 'summary', name: 'rpc.duration' });
    expect(metrics[0]!.dataPoints[0]).toMatchObject({
      count: 4,
      sum: 10,
      quantileValues: [
        { quantile: 0, value: 1 },
        { quantile: 0.5, value: 2 },
        { quantile: 1, value: 4 },
      ],
    });
  });

  test('a point flagged "no recorded value" is kept with NaN as its value', async () => {
    const { metrics, rejected } = await decode([
      { name: 'g', gauge: { dataPoints: [{ ...times, flags: 1 }] } },
    ]);
    expect(rejected).toBe(0);
    expect(metrics[0]!.dataPoints[0]).toMatchObject({ noRecordedValue: true, flags: 1, value: Number.NaN });
  });

  test('invalid data points are rejected and counted; valid ones beside them are kept', async () => {
    const good = { ...times, asDouble: 1 };
    const { metrics, rejected, errorMessage } = await decode([
      {
        name: 'g',
        gauge: { dataPoints: [good, { ...times }, { ...good, exemplars: [{ traceId: hexId('00') }] }] },
      },
      { name: '', sum: { dataPoints: [good, good] } },
      {
        name: 'h',
        histogram: {
          dataPoints: [
            { count: '1', explicitBounds: [1, 2], bucketCounts: ['1', '0'] },
            { count: '1', explicitBounds: [2, 1], bucketCounts: ['1', '0', '0'] },
            { count: '1', explicitBounds: [1, 2], bucketCounts: ['1', '0', '0'] },
          ],
        },
      },
      { name: 'e', exponentialHistogram: { dataPoints: [{ scale: 21 }, { scale: -11 }] } },
      { name: 's', summary: { dataPoints: [{ quantileValues: [{ quantile: 1.5, value: 1 }] }] } },
      { name: 'no data at all' },
    ]);
    expect(metrics.map((m) => [m.name, m.dataPoints.length])).toEqual([
      ['g', 1],
      ['h', 1],
    ]);
    expect(rejected).toBe(9);
    expect(errorMessage).toBe(
      'rejected 9 data points: number data point without a value (1); invalid exemplar trace id (1); ' +
        'metric without a name (2); histogram with bucket counts not one more than explicit bounds (1); ' +
        'histogram explicit bounds not strictly increasing (1); exponential histogram scale outside -10..20 (2); ' +
        'summary quantile outside 0..1 (1)',
    );
  });
});

describe('decodeMetricsRequest, OTLP/JSON rules', () => {
  test('exemplar ids are hex, any case; int64 values may be numbers', async () => {
    const json = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'c',
                  sum: {
                    aggregationTemporality: 2,
                    dataPoints: [
                      {
                        asInt: 42,
                        timeUnixNano: 1_700_000_000_000_000_000,
                        exemplars: [{ asInt: '7', traceId: TRACE_ID.toUpperCase(), spanId: SPAN_ID }],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const { metrics } = await decodeMetricsRequest(Buffer.from(JSON.stringify(json)), 'application/json');
    expect(metrics[0]!.dataPoints[0]).toMatchObject({
      value: 42,
      timeUnixNano: 1_700_000_000_000_000_000n,
      exemplars: [{ value: 7, traceId: TRACE_ID, spanId: SPAN_ID }],
    });
    expect(metrics[0]!.resource.serviceName).toBe('unknown_service');
  });
});
