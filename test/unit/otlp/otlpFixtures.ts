import type protobuf from 'protobufjs';
import { otlpTypes } from '../../../src/otlp/protoRoot.js';

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** OTLP/JSON ids are hex where proto3 JSON would use base64. */
function base64IdsToHex(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && ID_FIELDS.has(key)) return Buffer.from(value, 'base64').toString('hex');
  if (Array.isArray(value)) return value.map((item) => base64IdsToHex(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, base64IdsToHex(v, k)]));
  }
  return value;
}

/**
 * A request written in protobufjs object form (ids as Buffers, int64 as decimal strings) encoded both
 * ways: binary protobuf, and OTLP/JSON as protobufjs's proto3 JSON conversion with hex ids.
 */
export function encodings(type: protobuf.Type, request: object): { protobuf: Uint8Array; json: Uint8Array } {
  const message = type.fromObject(request);
  const json = base64IdsToHex(type.toObject(message, { longs: String, bytes: String, json: true }));
  return { protobuf: type.encode(message).finish(), json: Buffer.from(JSON.stringify(json)) };
}

export const traceType = otlpTypes.ExportTraceServiceRequest;
export const metricsType = otlpTypes.ExportMetricsServiceRequest;

export const hexId = (hex: string) => Buffer.from(hex, 'hex');

export const TRACE_ID = '5b8efff798038103d269b633813fc60c';
export const SPAN_ID = 'eee19b7ec3c1b174';
export const PARENT_ID = 'eee19b7ec3c1b173';

/** A KeyValue in protobufjs object form. */
export const kv = (key: string, value: object) => ({ key, value });

/** An ExportTraceServiceRequest with one resource and one scope around `spans`. */
export function traceRequest(spans: object[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', { stringValue: 'api' })], droppedAttributesCount: 1 },
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeSpans: [{ scope: { name: 'lib', version: '1.0' }, spans }],
      },
    ],
  };
}

/** An ExportMetricsServiceRequest with one resource and one scope around `metrics`. */
export function metricsRequest(metrics: object[]) {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [kv('service.name', { stringValue: 'worker' })] },
        scopeMetrics: [{ scope: { name: 'meter', version: '2' }, metrics }],
      },
    ],
  };
}
