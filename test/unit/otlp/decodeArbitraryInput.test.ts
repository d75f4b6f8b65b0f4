import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeMetricsRequest } from '../../../src/otlp/decodeMetricsRequest.js';
import { decodeTraceRequest } from '../../../src/otlp/decodeTraceRequest.js';
import { OtlpDecodeError } from '../../../src/otlp/OtlpDecodeError.js';
import {
  encodings,
  hexId,
  kv,
  metricsRequest,
  metricsType,
  traceRequest,
  traceType,
} from './otlpFixtures.js';

const decoders = [decodeTraceRequest, decodeMetricsRequest];

/** Resolves, or rejects with nothing but an OtlpDecodeError carrying a 400, 413 or 415. */
async function decodesOrFailsTyped(
  body: Uint8Array,
  contentType: string | undefined,
  contentEncoding?: string,
  maxBodyBytes?: number,
): Promise<void> {
  for (const decode of decoders) {
    try {
      await decode(body, contentType, contentEncoding, { maxBodyBytes });
    } catch (error) {
      expect(error).toBeInstanceOf(OtlpDecodeError);
      expect([400, 413, 415]).toContain((error as OtlpDecodeError).httpStatus);
    }
  }
}

const contentTypes = fc.constantFrom(
  'application/x-protobuf',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  undefined,
);
const contentEncodings = fc.constantFrom(undefined, '', 'identity', 'gzip', 'br');

/** OTLP field names, so random JSON reaches deep into the reader instead of being ignored at the top. */
const otlpKeys = fc.constantFrom(
  'resourceSpans',
  'resourceMetrics',
  'scopeSpans',
  'scopeMetrics',
  'spans',
  'metrics',
  'resource',
  'scope',
  'attributes',
  'key',
  'value',
  'stringValue',
  'intValue',
  'doubleValue',
  'boolValue',
  'bytesValue',
  'arrayValue',
  'kvlistValue',
  'values',
  'traceId',
  'spanId',
  'parentSpanId',
  'links',
  'events',
  'status',
  'code',
  'kind',
  'startTimeUnixNano',
  'timeUnixNano',
  'gauge',
  'sum',
  'histogram',
  'exponentialHistogram',
  'summary',
  'dataPoints',
  'asInt',
  'asDouble',
  'exemplars',
  'bucketCounts',
  'explicitBounds',
  'positive',
  'scale',
  'quantileValues',
  '__proto__',
  'constructor',
);
const otlpLikeJson = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.bigInt().map(String),
    ),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(otlpKeys, tie('node'), { maxKeys: 5 }),
  ),
}));

describe('decoding arbitrary input never throws anything but OtlpDecodeError', () => {
  test('arbitrary bytes, any content type and encoding', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 512 }),
        contentTypes,
        contentEncodings,
        (bytes, type, encoding) => decodesOrFailsTyped(bytes, type, encoding),
      ),
      { numRuns: 500 },
    );
  });

  test('arbitrary bytes, gzip-compressed, under a small size limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), contentTypes, fc.nat(600), (bytes, type, limit) =>
        decodesOrFailsTyped(gzipSync(bytes), type, 'gzip', limit),
      ),
      { numRuns: 200 },
    );
  });

  test('arbitrary JSON documents', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), (json) =>
        decodesOrFailsTyped(Buffer.from(JSON.stringify(json) ?? ''), 'application/json'),
      ),
      { numRuns: 300 },
    );
  });

  test('JSON shaped like OTLP, with wrong types anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(otlpLikeJson.node, (json) =>
        decodesOrFailsTyped(Buffer.from(JSON.stringify(json) ?? ''), 'application/json'),
      ),
      { numRuns: 500 },
    );
  });

  test('valid protobuf requests with random bytes flipped, cut or inserted', async () => {
    const span = {
      traceId: hexId('5b8efff798038103d269b633813fc60c'),
      spanId: hexId('eee19b7ec3c1b174'),
      name: 'op',
      attributes: [
        kv('a', { arrayValue: { values: [{ intValue: '1' }, { kvlistValue: { values: [kv('b', {})] } }] } }),
      ],
      events: [{ name: 'e', timeUnixNano: '5' }],
      links: [{ traceId: hexId('5b8efff798038103d269b633813fc60c'), spanId: hexId('eee19b7ec3c1b175') }],
    };
    const metric = {
      name: 'h',
      histogram: {
        dataPoints: [{ count: '2', bucketCounts: ['1', '1'], explicitBounds: [1], exemplars: [{}] }],
      },
    };
    const valid = Buffer.concat([
      encodings(traceType, traceRequest([span])).protobuf,
      encodings(metricsType, metricsRequest([metric])).protobuf,
    ]);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut'), at: fc.nat(), byte: fc.constant(0) }),
      fc.record({ kind: fc.constant('insert'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        let body = Buffer.from(valid);
        for (const { kind, at, byte } of mutations) {
          const i = at % (body.length + 1);
          if (kind === 'flip' && i < body.length) body[i] = byte;
          if (kind === 'cut') body = body.subarray(0, i);
          if (kind === 'insert')
            body = Buffer.concat([body.subarray(0, i), Buffer.from([byte]), body.subarray(i)]);
        }
        await decodesOrFailsTyped(body, 'application/x-protobuf');
      }),
      { numRuns: 500 },
    );
  });
});

describe('every span sent is either decoded or counted as rejected', () => {
  const anyId = fc.uint8Array({ maxLength: 20 }).map((bytes) => Buffer.from(bytes));
  const spanArbitrary = fc.record(
    {
      traceId: fc.oneof(
        anyId,
        fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b)),
      ),
      spanId: fc.oneof(
        anyId,
        fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Buffer.from(b)),
      ),
      parentSpanId: anyId,
      name: fc.string(),
      kind: fc.integer({ min: -1, max: 9 }),
      startTimeUnixNano: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
      attributes: fc.array(
        fc.record({
          key: fc.string(),
          value: fc.oneof(
            fc.record({ intValue: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String) }),
            fc.record({ doubleValue: fc.double() }),
            fc.record({ stringValue: fc.string() }),
          ),
        }),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  );

  test.each(['protobuf', 'json'] as const)('%s', async (format) => {
    await fc.assert(
      fc.asyncProperty(fc.array(spanArbitrary, { maxLength: 8 }), async (spans) => {
        const body = encodings(traceType, traceRequest(spans))[format];
        const type = format === 'json' ? 'application/json' : 'application/x-protobuf';
        const decoded = await decodeTraceRequest(body, type);
        expect(decoded.spans.length + decoded.rejected).toBe(spans.length);
        for (const span of decoded.spans) {
          expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
          expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
          expect(JSON.parse(JSON.stringify(span.attributes))).toEqual(span.attributes);
        }
      }),
      { numRuns: 200 },
    );
  });
});
