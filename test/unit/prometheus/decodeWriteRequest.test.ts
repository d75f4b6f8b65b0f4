import { compress } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../../../src/otlp/OtlpDecodeError.js';
import { decodeWriteRequest } from '../../../src/prometheus/decodeWriteRequest.js';
import { remoteWriteBody, writeRequestProtobuf } from '../../helpers/remoteWrite.js';

const limits = { maxPayloadBytes: 1 << 20, maxSamples: 1000 };

function refusal(body: Uint8Array, given = limits): OtlpDecodeError {
  try {
    decodeWriteRequest(body, given);
  } catch (error) {
    expect(error).toBeInstanceOf(OtlpDecodeError);
    return error as OtlpDecodeError;
  }
  throw new Error('decoded a body it should refuse');
}

describe('decodeWriteRequest', () => {
  it('decodes series, samples, exemplars and metadata; labels sorted or not', () => {
    const decoded = decodeWriteRequest(
      remoteWriteBody(
        [
          {
            labels: [
              ['job', 'api'],
              ['__name__', 'http_requests_total'],
              ['code', '200'],
              ['empty', ''],
            ],
            samples: [
              { value: 1.5, timestampMs: 1_700_000_000_000 },
              { value: 2, timestampMs: 1_700_000_015_000 },
            ],
            exemplars: [{ labels: [['trace_id', 'ab']], value: 2, timestampMs: 1_700_000_015_000 }],
          },
        ],
        [{ type: 1, family: 'http_requests_total', help: 'Requests.', unit: '' }],
      ),
      limits,
    );
    expect(decoded.sampleCount).toBe(2);
    expect(decoded.series).toEqual([
      {
        name: 'http_requests_total',
        labels: { job: 'api', code: '200' },
        samples: [
          { timestampMs: 1_700_000_000_000, value: 1.5, stale: false },
          { timestampMs: 1_700_000_015_000, value: 2, stale: false },
        ],
        exemplars: [{ labels: { trace_id: 'ab' }, value: 2, timestampMs: 1_700_000_015_000 }],
      },
    ]);
    expect(decoded.metadata).toEqual([
      { family: 'http_requests_total', type: 'counter', help: 'Requests.', unit: '' },
    ]);
  });

  it('tells a staleness marker from a real NaN sample', () => {
    const decoded = decodeWriteRequest(
      remoteWriteBody([
        {
          labels: [['__name__', 'up']],
          samples: [
            { value: Number.NaN, timestampMs: 1000 },
            { value: 0, timestampMs: 2000, stale: true },
          ],
        },
      ]),
      limits,
    );
    const [real, marker] = decoded.series[0]!.samples;
    expect(real).toEqual({ timestampMs: 1000, value: Number.NaN, stale: false });
    expect(marker).toEqual({ timestampMs: 2000, value: Number.NaN, stale: true });
  });

  it('refuses a body that is not Snappy, or not a WriteRequest, with 400', () => {
    const notSnappy = refusal(new TextEncoder().encode('\xff\xff\xff\xff\xff\xffhello'));
    expect(notSnappy.httpStatus).toBe(400);
    expect(notSnappy.message).toMatch(/Snappy/);
    const raw = refusal(
      writeRequestProtobuf([{ labels: [['__name__', 'up']], samples: [{ value: 1, timestampMs: 1 }] }]),
    );
    expect(raw.httpStatus).toBe(400);
    const garbage = refusal(compress(new Uint8Array([0x0a, 0x50, 0x01, 0x02])));
    expect(garbage.httpStatus).toBe(400);
    expect(garbage.message).toMatch(/WriteRequest|truncated/);
  });

  it('refuses invalid label sets as Prometheus does', () => {
    const series = (labels: [string, string][]) =>
      refusal(remoteWriteBody([{ labels, samples: [{ value: 1, timestampMs: 1 }] }]));
    expect(series([['job', 'x']]).message).toMatch(/no __name__ label/);
    expect(series([['__name__', 'a-b']]).message).toMatch(/invalid metric name "a-b"/);
    expect(
      series([
        ['__name__', 'up'],
        ['bad.name', 'x'],
      ]).message,
    ).toMatch(/invalid label name "bad.name"/);
    expect(
      series([
        ['__name__', 'up'],
        ['job', 'a'],
        ['job', 'b'],
      ]).message,
    ).toMatch(/duplicate label name "job"/);
    expect(
      series([
        ['__name__', 'up'],
        ['', 'x'],
      ]).message,
    ).toMatch(/invalid label name ""/);
  });

  it('refuses bodies over the limits with 413, before inflating them', () => {
    const body = remoteWriteBody([
      { labels: [['__name__', 'up']], samples: [1, 2, 3].map((t) => ({ value: t, timestampMs: t })) },
    ]);
    expect(refusal(body, { maxPayloadBytes: 10, maxSamples: 1000 }).httpStatus).toBe(413);
    expect(refusal(body, { maxPayloadBytes: 1 << 20, maxSamples: 2 }).httpStatus).toBe(413);
    let reserved = 0;
    decodeWriteRequest(body, { ...limits, reserve: (bytes) => (reserved += bytes) });
    expect(reserved).toBeGreaterThan(0);
  });
});
