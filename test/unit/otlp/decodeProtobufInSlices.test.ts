import { describe, expect, it } from 'vitest';
import { decodeMetricsRequest } from '../../../src/otlp/decodeMetricsRequest.js';
import {
  decodeMetricsProtobufInSlices,
  decodeTraceProtobufInSlices,
} from '../../../src/otlp/decodeProtobufInSlices.js';
import { decodeTracePayload } from '../../../src/otlp/decodeTraceRequest.js';
import { OtlpDecodeError } from '../../../src/otlp/OtlpDecodeError.js';
import { TimeSlicer } from '../../../src/otlp/TimeSlicer.js';
import { minimalSpansRequest } from '../../helpers/otlpPayloads.js';
import { metricsRequest, metricsType } from './otlpFixtures.js';

function gaugeWith(points: number) {
  return metricsType
    .encode(
      metricsType.fromObject(
        metricsRequest([
          {
            name: 'queue.depth',
            gauge: {
              dataPoints: Array.from({ length: points }, (_, i) => ({
                timeUnixNano: '1700000000000000000',
                asInt: i,
              })),
            },
          },
        ]),
      ),
    )
    .finish();
}

describe('decoding in slices', () => {
  it('refuses a request over the item cap with a 413 naming the cap, before decoding any item', async () => {
    const error = (await decodeTraceProtobufInSlices(minimalSpansRequest(1001), { maxItems: 1000 }).catch(
      (e: unknown) => e,
    )) as OtlpDecodeError;
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect(error.httpStatus).toBe(413);
    expect(error.message).toContain('more than 1000 spans');
    const decoded = await decodeTraceProtobufInSlices(minimalSpansRequest(1000), { maxItems: 1000 });
    expect(decoded.resourceSpans?.[0]?.scopeSpans?.[0]?.spans).toHaveLength(1000);
  });

  it('counts metric data points against the cap', async () => {
    await expect(decodeMetricsProtobufInSlices(gaugeWith(11), { maxItems: 10 })).rejects.toThrow(
      /more than 10 data points/,
    );
    const decoded = await decodeMetricsRequest(gaugeWith(10), 'application/x-protobuf', undefined, {
      maxItems: 10,
    });
    expect(decoded.metrics[0]?.dataPoints).toHaveLength(10);
  });

  it('lets the event loop turn while it works', async () => {
    const payload = minimalSpansRequest(50_000);
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const slicer = new TimeSlicer(1);
    const decoded = await decodeTraceProtobufInSlices(payload, { slicer });
    clearInterval(ticker);
    expect(decoded.resourceSpans?.[0]?.scopeSpans?.[0]?.spans).toHaveLength(50_000);
    expect(turns).toBeGreaterThan(0);
  });

  it('abandons the work when its signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('deadline passed'));
    await expect(
      decodeTracePayload(minimalSpansRequest(200_000), 'protobuf', { signal: controller.signal }),
    ).rejects.toThrow('deadline passed');
  });
});
