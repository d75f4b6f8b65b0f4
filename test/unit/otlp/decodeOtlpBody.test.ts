import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES, resolveConfig } from '../../../src/config.js';
import { ConfigError } from '../../../src/errors.js';
import { otlpPayloadOf } from '../../../src/otlp/decodeOtlpBody.js';
import { decodeTraceRequest } from '../../../src/otlp/decodeTraceRequest.js';
import { OtlpDecodeError } from '../../../src/otlp/OtlpDecodeError.js';
import { encodings, hexId, SPAN_ID, TRACE_ID, traceRequest, traceType } from './otlpFixtures.js';

const request = traceRequest([{ traceId: hexId(TRACE_ID), spanId: hexId(SPAN_ID), name: 'op' }]);
const { protobuf, json } = encodings(traceType, request);

async function decodeError(promise: Promise<unknown>): Promise<OtlpDecodeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OtlpDecodeError);
  return error as OtlpDecodeError;
}

/** Protobuf length-delimited field: tag, length, bytes. */
function field(fieldNumber: number, bytes: Uint8Array): Buffer {
  const varint = (n: number) => {
    const out: number[] = [];
    for (; n > 127; n >>>= 7) out.push((n & 127) | 128);
    out.push(n);
    return Buffer.from(out);
  };
  return Buffer.concat([varint((fieldNumber << 3) | 2), varint(bytes.length), bytes]);
}

describe('content type and content encoding', () => {
  test.each([
    ['application/x-protobuf', protobuf],
    ['application/protobuf', protobuf],
    ['Application/X-Protobuf; charset=binary', protobuf],
    ['application/json', json],
    ['application/json; charset=utf-8', json],
  ])('%s is accepted', async (contentType, body) => {
    expect((await decodeTraceRequest(body, contentType)).spans).toHaveLength(1);
  });

  test.each([
    'text/plain',
    'application/grpc',
    'application/x-www-form-urlencoded',
    'application/jsonx',
    '',
    undefined,
  ])('content type %j is a 415', async (contentType) => {
    const error = await decodeError(decodeTraceRequest(protobuf, contentType));
    expect(error.httpStatus).toBe(415);
    expect(error.message).toContain('application/x-protobuf or application/json');
  });

  test.each(['gzip', 'GZIP', ' x-gzip '])('content encoding %j is gunzipped', async (encoding) => {
    expect(
      (await decodeTraceRequest(gzipSync(protobuf), 'application/x-protobuf', encoding)).spans,
    ).toHaveLength(1);
  });

  test.each(['', 'identity'])('content encoding %j passes the body through', async (encoding) => {
    expect((await decodeTraceRequest(json, 'application/json', encoding)).spans).toHaveLength(1);
  });

  test.each(['br', 'deflate', 'zstd', 'gzip, gzip'])('content encoding %j is a 415', async (encoding) => {
    const error = await decodeError(
      decodeTraceRequest(gzipSync(protobuf), 'application/x-protobuf', encoding),
    );
    expect(error.httpStatus).toBe(415);
    expect(error.message).toContain('content encoding');
  });
});

describe('size limits', () => {
  test('the default limit is the one of pgtel serve, 16 MiB: one byte more is a 413', async () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(16 * 1024 * 1024);
    expect(resolveConfig({}).maxBodyBytes).toBe(DEFAULT_MAX_BODY_BYTES);
    const atLimit = new Uint8Array(DEFAULT_MAX_BODY_BYTES);
    await expect(otlpPayloadOf(atLimit, 'application/x-protobuf', undefined)).resolves.toMatchObject({
      format: 'protobuf',
    });
    const over = new Uint8Array(DEFAULT_MAX_BODY_BYTES + 1);
    await expect(otlpPayloadOf(over, 'application/x-protobuf', undefined)).rejects.toMatchObject({
      httpStatus: 413,
    });
  });

  test.each([-1, 1.5, Number.POSITIVE_INFINITY, Number.NaN])(
    'maxBodyBytes %d is a ConfigError',
    async (maxBodyBytes) => {
      const error = await decodeTraceRequest(protobuf, 'application/x-protobuf', undefined, {
        maxBodyBytes,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
    },
  );

  test('a body over the limit is a 413 before anything is decoded', async () => {
    const error = await decodeError(
      decodeTraceRequest(protobuf, 'application/x-protobuf', undefined, {
        maxBodyBytes: protobuf.length - 1,
      }),
    );
    expect(error.httpStatus).toBe(413);
    expect(
      (
        await decodeTraceRequest(protobuf, 'application/x-protobuf', undefined, {
          maxBodyBytes: protobuf.length,
        })
      ).spans,
    ).toHaveLength(1);
  });

  test('a gzip body that inflates past the limit is a 413; exactly at the limit is accepted', async () => {
    const compressed = gzipSync(json);
    const options = (maxBodyBytes: number) => ({ maxBodyBytes });
    const error = await decodeError(
      decodeTraceRequest(compressed, 'application/json', 'gzip', options(json.length - 1)),
    );
    expect(error.httpStatus).toBe(413);
    expect(error.message).toContain('decompressed body exceeds the limit');
    expect(
      (await decodeTraceRequest(compressed, 'application/json', 'gzip', options(json.length))).spans,
    ).toHaveLength(1);
  });

  test('a gzip bomb (1 MiB inflating to 1 GiB) is a 413 under the default limit', async () => {
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const error = await decodeError(decodeTraceRequest(bomb, 'application/x-protobuf', 'gzip'));
    expect(error.httpStatus).toBe(413);
  });
});

describe('malformed bodies are a 400', () => {
  test.each([
    ['plain bytes labelled gzip', protobuf, 'gzip'],
    ['truncated gzip', gzipSync(protobuf).subarray(0, 20), 'gzip'],
  ])('%s', async (_name, body, encoding) => {
    const error = await decodeError(decodeTraceRequest(body, 'application/x-protobuf', encoding));
    expect(error.httpStatus).toBe(400);
    expect(error.message).toContain('invalid gzip body');
  });

  test('a truncated protobuf body', async () => {
    const error = await decodeError(
      decodeTraceRequest(protobuf.subarray(0, protobuf.length - 3), 'application/x-protobuf'),
    );
    expect(error.httpStatus).toBe(400);
    expect(error.message).toMatch(/^malformed protobuf: /);
  });

  test.each([
    ['an invalid wire type', Buffer.from([0x0f])],
    ['a length past the end', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f])],
    ['field number 0', Buffer.from([0x02, 0x00])],
    ['JSON sent as protobuf', json],
  ])('%s', async (_name, body) => {
    const error = await decodeError(decodeTraceRequest(body, 'application/x-protobuf'));
    expect(error.httpStatus).toBe(400);
  });

  test('protobuf nested deeper than 100 levels', async () => {
    let anyValue: Buffer = field(1, Buffer.from('leaf'));
    for (let i = 0; i < 1_000; i++) anyValue = field(5, field(1, anyValue)); // AnyValue.array_value.values
    const span = Buffer.concat([
      field(1, hexId(TRACE_ID)),
      field(2, hexId(SPAN_ID)),
      field(9, field(2, anyValue)),
    ]);
    const body = field(1, field(2, field(2, span)));
    const error = await decodeError(decodeTraceRequest(body, 'application/x-protobuf'));
    expect(error.httpStatus).toBe(400);
    expect(error.message).toContain('max depth exceeded');
  });

  test('unknown protobuf fields (from newer OTLP versions) are skipped', async () => {
    const span = Buffer.concat([
      field(1, hexId(TRACE_ID)),
      field(2, hexId(SPAN_ID)),
      field(99, Buffer.from('future')),
    ]);
    const { spans } = await decodeTraceRequest(field(1, field(2, field(2, span))), 'application/x-protobuf');
    expect(spans).toMatchObject([{ traceId: TRACE_ID, spanId: SPAN_ID }]);
  });
});
