import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { decodeTraceRequest } from '../../../src/otlp/decodeTraceRequest.js';
import { OtlpDecodeError } from '../../../src/otlp/OtlpDecodeError.js';
import {
  encodings,
  hexId,
  kv,
  PARENT_ID,
  SPAN_ID,
  TRACE_ID,
  traceRequest,
  traceType,
} from './otlpFixtures.js';

const CONTENT_TYPES = { protobuf: 'application/x-protobuf', json: 'application/json' } as const;

const fullSpan = {
  traceId: hexId(TRACE_ID),
  spanId: hexId(SPAN_ID),
  parentSpanId: hexId(PARENT_ID),
  traceState: 'vendor=1',
  flags: 257,
  name: 'GET /users',
  kind: 2,
  startTimeUnixNano: '1700000000123456789',
  endTimeUnixNano: '1700000001999999999',
  attributes: [
    kv('str', { stringValue: 'héllo' }),
    kv('bool', { boolValue: true }),
    kv('int', { intValue: '-42' }),
    kv('bigint', { intValue: '9007199254740993' }),
    kv('double', { doubleValue: 2.5 }),
    kv('nan', { doubleValue: Number.NaN }),
    kv('inf', { doubleValue: Number.NEGATIVE_INFINITY }),
    kv('bytes', { bytesValue: Buffer.from([0, 1, 254, 255]) }),
    kv('array', {
      arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, { arrayValue: { values: [] } }] },
    }),
    kv('kvlist', {
      kvlistValue: { values: [kv('inner', { boolValue: false }), kv('deep', { kvlistValue: {} })] },
    }),
    kv('empty', {}),
    kv('__proto__', { stringValue: 'kept' }),
    kv('str', { stringValue: 'last wins' }),
  ],
  droppedAttributesCount: 3,
  events: [
    { timeUnixNano: '1700000000500000001', name: 'retry', attributes: [kv('n', { intValue: '2' })] },
    { name: 'no time', droppedAttributesCount: 1 },
  ],
  droppedEventsCount: 4,
  links: [
    {
      traceId: hexId('0af7651916cd43dd8448eb211c80319c'),
      spanId: hexId('b7ad6b7169203331'),
      traceState: 'x=y',
      attributes: [kv('why', { stringValue: 'batch' })],
      droppedAttributesCount: 1,
      flags: 1,
    },
  ],
  droppedLinksCount: 5,
  status: { code: 2, message: 'boom' },
};

describe.each(['protobuf', 'json'] as const)('decodeTraceRequest, %s', (format) => {
  const decode = (request: object, encoding?: string) => {
    const body = encodings(traceType, request)[format];
    return decodeTraceRequest(encoding === 'gzip' ? gzipSync(body) : body, CONTENT_TYPES[format], encoding);
  };

  test('maps every field of a span, its resource and scope', async () => {
    const { spans, rejected, errorMessage } = await decode(traceRequest([fullSpan]));
    expect({ rejected, errorMessage }).toEqual({ rejected: 0, errorMessage: '' });
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.resource).toEqual({
      attributes: { 'service.name': 'api' },
      serviceName: 'api',
      droppedAttributesCount: 1,
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    });
    expect(span.scope).toEqual({
      name: 'lib',
      version: '1.0',
      attributes: {},
      droppedAttributesCount: 0,
      schemaUrl: '',
    });
    const attributes = { ...span.attributes };
    expect(Object.hasOwn(span.attributes, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(span.attributes)).toBe(Object.prototype);
    expect(attributes).toEqual({
      str: 'last wins',
      bool: true,
      int: -42,
      bigint: '9007199254740993',
      double: 2.5,
      nan: 'NaN',
      inf: '-Infinity',
      bytes: 'AAH+/w==',
      array: ['a', 1, []],
      kvlist: { inner: false, deep: {} },
      empty: null,
      ['__proto__']: 'kept',
    });
    const { resource, scope, attributes: _, ...rest } = span;
    expect(rest).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      parentSpanId: PARENT_ID,
      traceState: 'vendor=1',
      flags: 257,
      name: 'GET /users',
      kind: 'server',
      startTimeUnixNano: 1_700_000_000_123_456_789n,
      startTime: new Date(1_700_000_000_123),
      endTimeUnixNano: 1_700_000_001_999_999_999n,
      endTime: new Date(1_700_000_001_999),
      events: [
        {
          timeUnixNano: 1_700_000_000_500_000_001n,
          time: new Date(1_700_000_000_500),
          name: 'retry',
          attributes: { n: 2 },
          droppedAttributesCount: 0,
        },
        { timeUnixNano: 0n, time: new Date(0), name: 'no time', attributes: {}, droppedAttributesCount: 1 },
      ],
      links: [
        {
          traceId: '0af7651916cd43dd8448eb211c80319c',
          spanId: 'b7ad6b7169203331',
          traceState: 'x=y',
          attributes: { why: 'batch' },
          droppedAttributesCount: 1,
          flags: 1,
        },
      ],
      status: { code: 'error', message: 'boom' },
      droppedAttributesCount: 3,
      droppedEventsCount: 4,
      droppedLinksCount: 5,
    });
  });

  test('a minimal span gets defaults: root, unspecified kind, unset status, epoch times', async () => {
    const { spans } = await decode(traceRequest([{ traceId: hexId(TRACE_ID), spanId: hexId(SPAN_ID) }]));
    expect(spans[0]).toMatchObject({
      parentSpanId: null,
      name: '',
      kind: 'unspecified',
      status: { code: 'unset', message: '' },
      startTimeUnixNano: 0n,
      endTime: new Date(0),
      attributes: {},
      events: [],
      links: [],
      resource: { serviceName: 'api' },
    });
  });

  test.each([
    [0, 'unspecified'],
    [1, 'internal'],
    [3, 'client'],
    [4, 'producer'],
    [5, 'consumer'],
    [99, 'unspecified'],
  ])('kind %i is %s', async (kind, name) => {
    const { spans } = await decode(
      traceRequest([{ traceId: hexId(TRACE_ID), spanId: hexId(SPAN_ID), kind }]),
    );
    expect(spans[0]!.kind).toBe(name);
  });

  test('spans with invalid ids are rejected and counted; the others are kept', async () => {
    const good = { traceId: hexId(TRACE_ID), spanId: hexId(SPAN_ID), name: 'good' };
    const request = traceRequest([
      good,
      { ...good, traceId: hexId('00000000000000000000000000000000') },
      { ...good, traceId: hexId('abcd') },
      { ...good, traceId: undefined },
      { ...good, spanId: hexId('0000000000000000') },
      { ...good, parentSpanId: hexId('01') },
      { ...good, links: [{ traceId: hexId(TRACE_ID), spanId: hexId('00') }] },
      { ...good, name: 'also good', parentSpanId: hexId(PARENT_ID) },
    ]);
    const { spans, rejected, errorMessage } = await decode(request);
    expect(spans.map((s) => s.name)).toEqual(['good', 'also good']);
    expect(rejected).toBe(6);
    expect(errorMessage).toBe(
      'rejected 6 spans: invalid trace id (must be 16 bytes, not all zero) (3); ' +
        'invalid span id (must be 8 bytes, not all zero) (1); ' +
        'invalid parent span id (must be empty or 8 bytes, not all zero) (1); invalid link span id (1)',
    );
  });

  test('gzip-compressed bodies decode the same', async () => {
    const request = traceRequest([fullSpan]);
    expect(await decode(request, 'gzip')).toEqual(await decode(request));
  });

  test('an empty request is a success with nothing in it', async () => {
    expect(await decode({})).toEqual({ spans: [], rejected: 0, errorMessage: '' });
    expect(await decode({ resourceSpans: [{ scopeSpans: [{}] }] })).toEqual({
      spans: [],
      rejected: 0,
      errorMessage: '',
    });
  });
});

describe('decodeTraceRequest, OTLP/JSON rules', () => {
  const decodeJson = (json: unknown) =>
    decodeTraceRequest(
      Buffer.from(typeof json === 'string' ? json : JSON.stringify(json)),
      'application/json',
    );
  const jsonRequest = (span: object) => ({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });

  test('hex ids are case-insensitive; int64 may be a string or a number; unknown keys are ignored', async () => {
    const { spans, rejected } = await decodeJson({
      resourceSpans: [
        {
          futureField: { anything: [1, 2] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: TRACE_ID.toUpperCase(),
                  spanId: SPAN_ID.toUpperCase(),
                  startTimeUnixNano: 1_700_000_000_000_000_000,
                  endTimeUnixNano: '1700000000000000001',
                  kind: '3',
                  attributes: [
                    { key: 'n', value: { intValue: 7 } },
                    { key: 's', value: { intValue: '-8' } },
                  ],
                  unknownSpanField: 'x',
                },
              ],
            },
          ],
        },
      ],
    });
    expect(rejected).toBe(0);
    expect(spans[0]).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      startTimeUnixNano: 1_700_000_000_000_000_000n,
      endTimeUnixNano: 1_700_000_000_000_000_001n,
      kind: 'client',
      attributes: { n: 7, s: -8 },
    });
  });

  test('snake_case keys are not OTLP/JSON field names: they are ignored', async () => {
    const { spans, rejected } = await decodeJson(jsonRequest({ trace_id: TRACE_ID, span_id: SPAN_ID }));
    expect(spans).toEqual([]);
    expect(rejected).toBe(1);
  });

  test('ids that are not hex are rejected items, not errors', async () => {
    const { spans, rejected, errorMessage } = await decodeJson(
      jsonRequest({ traceId: 'zz'.repeat(16), spanId: SPAN_ID }),
    );
    expect(spans).toEqual([]);
    expect(rejected).toBe(1);
    expect(errorMessage).toContain('invalid trace id');
  });

  test('null fields count as absent', async () => {
    const { spans } = await decodeJson(
      jsonRequest({ traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: null, name: null }),
    );
    expect(spans[0]).toMatchObject({ parentSpanId: null, name: '' });
  });

  test.each([
    [
      jsonRequest({ traceId: TRACE_ID, name: 5 }),
      'resourceSpans[0].scopeSpans[0].spans[0].name: expected a string',
    ],
    [
      jsonRequest({ startTimeUnixNano: '12.5' }),
      'spans[0].startTimeUnixNano: expected a non-negative 64-bit integer',
    ],
    [jsonRequest({ startTimeUnixNano: '-1' }), 'startTimeUnixNano: expected a non-negative 64-bit integer'],
    [
      jsonRequest({ startTimeUnixNano: '18446744073709551616' }),
      'startTimeUnixNano: expected a non-negative',
    ],
    [jsonRequest({ kind: 1.5 }), 'kind: expected an integer'],
    [jsonRequest({ kind: 'SPAN_KIND_SIDEWAYS' }), 'kind: expected a number or one of SPAN_KIND_UNSPECIFIED'],
    [jsonRequest({ attributes: {} }), 'attributes: expected an array'],
    [jsonRequest({ attributes: [null] }), 'attributes[0]: null is not allowed in an array'],
    [
      jsonRequest({ attributes: [{ key: 'k', value: { bytesValue: '***' } }] }),
      'bytesValue: expected base64',
    ],
    [jsonRequest({ events: [{ name: true }] }), 'events[0].name: expected a string'],
    [{ resourceSpans: 'nope' }, 'resourceSpans: expected an array'],
    [{ resourceSpans: [[]] }, 'resourceSpans[0]: expected an object'],
    [[], '(top level): expected an object'],
    ['"text"', '(top level): expected an object'],
    ['{"resourceSpans": [', 'invalid JSON'],
    ['', 'invalid JSON'],
  ])('malformed JSON is a 400 naming the field: %j', async (json, message) => {
    const error = await decodeJson(json).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect(error).toMatchObject({ httpStatus: 400, code: 'PGTEL_INVALID' });
    expect((error as Error).message).toContain(message);
  });

  test('AnyValue nesting deeper than 100 levels is a 400, not a stack overflow', async () => {
    const depth = 100_000;
    const value = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"leaf"}${']}}'.repeat(depth)}`;
    const json = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"deep","value":${value}}]}]}]}]}`;
    const error = await decodeJson(json).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect((error as Error).message).toMatch(/deeper than 64 levels|nested deeper than 100 levels/);
  });

  test('a UTF-8 byte order mark is tolerated', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]);
    expect(await decodeTraceRequest(body, 'application/json')).toEqual({
      spans: [],
      rejected: 0,
      errorMessage: '',
    });
  });
});
