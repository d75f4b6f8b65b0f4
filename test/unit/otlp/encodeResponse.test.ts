import { describe, expect, test } from 'vitest';
import {
  encodeMetricsResponse,
  encodeStatus,
  encodeTraceResponse,
} from '../../../src/otlp/encodeResponse.js';

const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');
const hex = (body: Uint8Array) => Buffer.from(body).toString('hex');
const bad = Buffer.from('bad').toString('hex'); // 626164

describe('encodeTraceResponse / encodeMetricsResponse', () => {
  test('full success leaves partial_success unset: an empty message', () => {
    const success = { rejected: 0, errorMessage: '' };
    const proto = encodeTraceResponse(success, 'application/x-protobuf');
    expect(proto.contentType).toBe('application/x-protobuf');
    expect(proto.body.length).toBe(0);
    const json = encodeMetricsResponse(success, 'application/json; charset=utf-8');
    expect(json.contentType).toBe('application/json');
    expect(text(json.body)).toBe('{}');
  });

  test('partial success in protobuf: field 1 holding rejected count (varint) and error message', () => {
    const result = { rejected: 3, errorMessage: 'bad' };
    // 0a 07 | 08 03 | 12 03 'bad'
    expect(hex(encodeTraceResponse(result, 'application/x-protobuf').body)).toBe(`0a0708031203${bad}`);
    expect(hex(encodeMetricsResponse(result, 'application/protobuf').body)).toBe(`0a0708031203${bad}`);
  });

  test('partial success in JSON: lowerCamelCase names, int64 as a decimal string', () => {
    expect(
      JSON.parse(
        text(encodeTraceResponse({ rejected: 2, errorMessage: 'bad ids' }, 'application/json').body),
      ),
    ).toEqual({ partialSuccess: { rejectedSpans: '2', errorMessage: 'bad ids' } });
    expect(
      JSON.parse(text(encodeMetricsResponse({ rejected: 5, errorMessage: 'x' }, 'application/json').body)),
    ).toEqual({ partialSuccess: { rejectedDataPoints: '5', errorMessage: 'x' } });
  });

  test('a warning without rejections still sets partial_success, with 0 rejected', () => {
    const body = encodeTraceResponse(
      { rejected: 0, errorMessage: 'deprecated field' },
      'application/json',
    ).body;
    expect(JSON.parse(text(body))).toEqual({
      partialSuccess: { rejectedSpans: '0', errorMessage: 'deprecated field' },
    });
    // rejected 0 is the proto3 default, so only the message is on the wire.
    const proto = encodeTraceResponse({ rejected: 0, errorMessage: 'w' }, 'application/x-protobuf').body;
    expect(hex(proto)).toBe('0a03120177');
  });
});

describe('encodeStatus', () => {
  test('google.rpc.Status in protobuf: code (field 1) and message (field 2)', () => {
    const encoded = encodeStatus({ code: 3, message: 'bad' }, 'application/x-protobuf');
    expect(encoded.contentType).toBe('application/x-protobuf');
    expect(hex(encoded.body)).toBe(`08031203${bad}`);
    expect(hex(encodeStatus({ message: 'bad' }, 'application/x-protobuf').body)).toBe(`1203${bad}`);
  });

  test('google.rpc.Status in JSON', () => {
    expect(
      JSON.parse(text(encodeStatus({ code: 8, message: 'too large' }, 'application/json').body)),
    ).toEqual({
      code: 8,
      message: 'too large',
    });
  });

  test('long messages are cut to 4096 characters, in Status and partial success alike', () => {
    const long = 'x'.repeat(100_000);
    const status = JSON.parse(text(encodeStatus({ message: long }, 'application/json').body));
    expect(status.message).toHaveLength(4096);
    expect(status.message.endsWith('...')).toBe(true);
    const response = JSON.parse(
      text(encodeTraceResponse({ rejected: 1, errorMessage: long }, 'application/json').body),
    );
    expect(response.partialSuccess.errorMessage).toHaveLength(4096);
  });

  test('a request in an unsupported content type gets a JSON Status', () => {
    for (const contentType of ['text/plain', undefined]) {
      const encoded = encodeStatus({ message: 'unsupported content type' }, contentType);
      expect(encoded.contentType).toBe('application/json');
      expect(JSON.parse(text(encoded.body))).toEqual({ message: 'unsupported content type' });
    }
  });
});
