import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { DatabaseError, TimeoutError, ValidationError } from '../../../src/errors.js';
import { grpcErrorOf } from '../../../src/grpc/grpcErrorOf.js';
import { readRetryInfoStatus, retryInfoStatus } from '../../../src/grpc/retryInfoStatus.js';
import { OtlpDecodeError } from '../../../src/otlp/OtlpDecodeError.js';

describe('grpcErrorOf', () => {
  it('makes storage faults UNAVAILABLE with a retry delay (retryable per the OTLP specification)', () => {
    for (const error of [
      new DatabaseError('span storage unavailable', { sqlState: '08006' }),
      new DatabaseError('too many connections', { sqlState: '53300' }),
      new DatabaseError('statement timeout', { sqlState: '57014' }),
      new TimeoutError('write deadline passed'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ]) {
      expect(grpcErrorOf(error)).toEqual({
        code: GrpcStatus.UNAVAILABLE,
        message: 'storage unavailable, retry later',
        retryDelayMs: 5000,
      });
    }
  });

  it('makes overload RESOURCE_EXHAUSTED with RetryInfo, and a too large message RESOURCE_EXHAUSTED without', () => {
    const overloaded = Object.assign(new Error('memory budget spent'), { httpStatus: 429 });
    expect(grpcErrorOf(overloaded)).toMatchObject({
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      retryDelayMs: 5000,
    });
    const tooLarge = grpcErrorOf(new OtlpDecodeError(413, 'request body of 9 bytes exceeds the limit'));
    expect(tooLarge).toEqual({
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      message: 'request body of 9 bytes exceeds the limit',
    });
  });

  it('makes bad requests INVALID_ARGUMENT with the reason, never retryable', () => {
    expect(grpcErrorOf(new OtlpDecodeError(400, 'malformed protobuf: index out of range'))).toEqual({
      code: GrpcStatus.INVALID_ARGUMENT,
      message: 'malformed protobuf: index out of range',
    });
    expect(grpcErrorOf(new ValidationError('bad metric type')).code).toBe(GrpcStatus.INVALID_ARGUMENT);
  });

  it('makes a missing token UNAUTHENTICATED and anything else INTERNAL, saying little', () => {
    const unauthenticated = Object.assign(new Error('missing token'), { httpStatus: 401 });
    expect(grpcErrorOf(unauthenticated).code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(grpcErrorOf(new TypeError('x is undefined'))).toEqual({
      code: GrpcStatus.INTERNAL,
      message: 'internal error',
    });
    expect(grpcErrorOf(new DatabaseError('bad column', { sqlState: '42703' })).code).toBe(
      GrpcStatus.INTERNAL,
    );
  });
});

describe('retryInfoStatus', () => {
  it('encodes a google.rpc.Status carrying a google.rpc.RetryInfo that reads back', () => {
    const bytes = retryInfoStatus(GrpcStatus.UNAVAILABLE, 'retry later', 2_500);
    expect(readRetryInfoStatus(bytes)).toEqual({ code: 14, message: 'retry later', retryDelayMs: 2500 });
    // The Any's type URL is the one gRPC status-details readers look for.
    expect(bytes.includes(Buffer.from('type.googleapis.com/google.rpc.RetryInfo'))).toBe(true);
  });
});
