import protobuf from 'protobufjs';
import { describe, expect, test } from 'vitest';
import { decodeMetricsRequest } from '../../../src/otlp/decodeMetricsRequest.js';
import { decodeTraceRequest } from '../../../src/otlp/decodeTraceRequest.js';
import { OtlpDecodeError } from '../../../src/otlp/OtlpDecodeError.js';
import { otlpTypes } from '../../../src/otlp/protoRoot.js';
import { readOtlpJson } from '../../../src/otlp/readOtlpJson.js';
import { SPAN_ID, TRACE_ID } from './otlpFixtures.js';

const JSON_TYPE = 'application/json';
const body = (value: unknown) => Buffer.from(JSON.stringify(value));

function traceJson(span: Record<string, unknown>) {
  return {
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: TRACE_ID,
                spanId: SPAN_ID,
                name: 'op',
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: '1700000001000000000',
                ...span,
              },
            ],
          },
        ],
      },
    ],
  };
}

function sumJson(aggregationTemporality: unknown) {
  return {
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'jobs',
                sum: {
                  aggregationTemporality,
                  isMonotonic: true,
                  dataPoints: [{ timeUnixNano: '1700000060000000000', asInt: '3' }],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** Every enum-typed field reachable from a message type, as `Type.field`. */
function enumFields(type: protobuf.Type, seen = new Set<protobuf.Type>()): string[] {
  if (seen.has(type)) return [];
  seen.add(type);
  return type.fieldsArray.flatMap((field) => {
    const resolved = field.resolve().resolvedType;
    if (resolved instanceof protobuf.Enum) return [`${type.name}.${field.name}`];
    return resolved instanceof protobuf.Type ? enumFields(resolved, seen) : [];
  });
}

describe('OTLP/JSON enums', () => {
  test.each([
    ['SPAN_KIND_UNSPECIFIED', 'unspecified'],
    ['SPAN_KIND_INTERNAL', 'internal'],
    ['SPAN_KIND_SERVER', 'server'],
    ['SPAN_KIND_CLIENT', 'client'],
    ['SPAN_KIND_PRODUCER', 'producer'],
    ['SPAN_KIND_CONSUMER', 'consumer'],
    [3, 'client'],
  ])('span kind %s reads as %s', async (kind, expected) => {
    const { spans } = await decodeTraceRequest(body(traceJson({ kind })), JSON_TYPE);
    expect(spans[0]!.kind).toBe(expected);
  });

  test.each([
    ['STATUS_CODE_UNSET', 'unset'],
    ['STATUS_CODE_OK', 'ok'],
    ['STATUS_CODE_ERROR', 'error'],
    [2, 'error'],
  ])('status code %s reads as %s', async (code, expected) => {
    const { spans } = await decodeTraceRequest(
      body(traceJson({ status: { code, message: 'm' } })),
      JSON_TYPE,
    );
    expect(spans[0]!.status).toEqual({ code: expected, message: 'm' });
  });

  test.each([
    ['AGGREGATION_TEMPORALITY_DELTA', 'delta'],
    ['AGGREGATION_TEMPORALITY_CUMULATIVE', 'cumulative'],
    ['AGGREGATION_TEMPORALITY_UNSPECIFIED', 'unspecified'],
    [2, 'cumulative'],
  ])('aggregation temporality %s reads as %s', async (value, expected) => {
    const { metrics } = await decodeMetricsRequest(body(sumJson(value)), JSON_TYPE);
    expect(metrics[0]).toMatchObject({ type: 'sum', temporality: expected });
  });

  test('an unknown enum name is a 400 naming the field and the accepted names', async () => {
    const error = await decodeTraceRequest(body(traceJson({ kind: 'SPAN_KIND_SIDEWAYS' })), JSON_TYPE).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect((error as OtlpDecodeError).httpStatus).toBe(400);
    expect((error as Error).message).toBe(
      'invalid OTLP JSON at resourceSpans[0].scopeSpans[0].spans[0].kind: expected a number or one of ' +
        'SPAN_KIND_UNSPECIFIED, SPAN_KIND_INTERNAL, SPAN_KIND_SERVER, SPAN_KIND_CLIENT, SPAN_KIND_PRODUCER, SPAN_KIND_CONSUMER',
    );
  });

  test('a name of a different enum is refused (names are per enum)', async () => {
    await expect(decodeMetricsRequest(body(sumJson('SPAN_KIND_CLIENT')), JSON_TYPE)).rejects.toThrow(
      /aggregationTemporality: expected a number or one of AGGREGATION_TEMPORALITY_/,
    );
  });

  test('an enum number outside the enum is kept (proto3 enums are open)', () => {
    const raw = readOtlpJson(otlpTypes.ExportTraceServiceRequest, body(traceJson({ kind: 9 }))) as {
      resourceSpans: { scopeSpans: { spans: { kind: number }[] }[] }[];
    };
    expect(raw.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.kind).toBe(9);
  });

  test('every enum field of the OTLP schema is typed as an enum, so names work everywhere', () => {
    expect([
      ...enumFields(otlpTypes.ExportTraceServiceRequest),
      ...enumFields(otlpTypes.ExportMetricsServiceRequest),
    ]).toEqual([
      'Span.kind',
      'Status.code',
      'Sum.aggregationTemporality',
      'Histogram.aggregationTemporality',
      'ExponentialHistogram.aggregationTemporality',
    ]);
  });
});
