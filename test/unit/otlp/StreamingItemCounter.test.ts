import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../../../src/otlp/OtlpDecodeError.js';
import { StreamingItemCounter } from '../../../src/otlp/StreamingItemCounter.js';
import { minimalSpansRequest } from '../../helpers/otlpPayloads.js';
import { hexId, kv, metricsRequest, metricsType, TRACE_ID, traceRequest, traceType } from './otlpFixtures.js';

/** Feeds `payload` in chunks of `size` bytes. */
function count(signal: 'traces' | 'metrics', payload: Uint8Array, size: number, max = 1_000_000): number {
  const counter = new StreamingItemCounter(signal, max);
  for (let i = 0; i < payload.length; i += size) counter.push(payload.subarray(i, i + size));
  return counter.items;
}

const traces = traceType
  .encode(
    traceType.fromObject({
      resourceSpans: [
        {
          ...traceRequest([
            {
              traceId: hexId(TRACE_ID),
              spanId: hexId('0000000000000001'),
              name: 'a',
              attributes: [kv('k', { stringValue: 'v' })],
            },
            {
              traceId: hexId(TRACE_ID),
              spanId: hexId('0000000000000002'),
              name: 'b',
              startTimeUnixNano: '1700000000000000000',
            },
          ]).resourceSpans[0],
        },
        traceRequest([{ traceId: hexId(TRACE_ID), spanId: hexId('0000000000000003'), kind: 2 }])
          .resourceSpans[0],
      ],
    }),
  )
  .finish();

const metrics = metricsType
  .encode(
    metricsType.fromObject(
      metricsRequest([
        { name: 'g', gauge: { dataPoints: [{ asDouble: 1 }, { asInt: 2 }] } },
        { name: 's', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ asInt: 3 }] } },
        {
          name: 'h',
          histogram: { dataPoints: [{ count: '2', bucketCounts: ['1', '1'], explicitBounds: [1] }] },
        },
        {
          name: 'q',
          summary: { dataPoints: [{ count: '1', sum: 1, quantileValues: [{ quantile: 0.5, value: 1 }] }] },
        },
      ]),
    ),
  )
  .finish();

describe('StreamingItemCounter', () => {
  it.each([1, 3, 7, 64, 1 << 20])('counts spans and data points in chunks of %i bytes', (size) => {
    expect(count('traces', traces, size)).toBe(3);
    expect(count('metrics', metrics, size)).toBe(5);
    expect(count('traces', minimalSpansRequest(10_000), size)).toBe(10_000);
  });

  it('throws a 413 naming the cap as soon as the count passes it', () => {
    const counter = new StreamingItemCounter('traces', 100);
    const payload = minimalSpansRequest(1000);
    let fed = 0;
    const error = (() => {
      try {
        for (; fed < payload.length; fed += 512) counter.push(payload.subarray(fed, fed + 512));
      } catch (e) {
        return e as OtlpDecodeError;
      }
    })();
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect(error?.httpStatus).toBe(413);
    expect(error?.message).toContain('more than 100 spans');
    expect(fed).toBeLessThan(payload.length / 5);
  });

  it('never throws anything but the cap on garbage (the decoder reports malformed input)', () => {
    for (let i = 0; i < 200; i++) {
      expect(() => count('metrics', randomBytes(1 + (i % 97)), 5, Number.POSITIVE_INFINITY)).not.toThrow();
    }
  });
});
