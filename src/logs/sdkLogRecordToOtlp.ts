import type { HrTime } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { Attributes, AttributeValue, OtlpLogRecord } from '../otlp/otlpModel.js';

const VALID_TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;
const VALID_SPAN_ID = /^(?!0{16})[0-9a-f]{16}$/;

function nanos([seconds, nanoseconds]: HrTime): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);
}

/** A Logs API value as JSON, as OTLP decoding gives it: bytes as base64, non-finite numbers as text. */
function jsonValue(value: unknown): AttributeValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  }
  if (Array.isArray(value)) return value.map(jsonValue);
  if (typeof value === 'object') return jsonMap(value as Record<string, unknown>);
  return String(value);
}

function jsonMap(map: Readonly<Record<string, unknown>> | undefined): Attributes {
  const out: Attributes = {};
  for (const key of Object.keys(map ?? {})) {
    Object.defineProperty(out, key, { value: jsonValue(map![key]), enumerable: true, writable: true });
  }
  return out;
}

/**
 * A log record of the OpenTelemetry logs SDK in pgtel's OTLP model, so the exporter and OTLP ingest
 * store alike (`otlpLogRow`). The trace context is the one the SDK took from the active context.
 * Pure.
 *
 * @param fallbackServiceName for a resource without `service.name`
 */
export function sdkLogRecordToOtlp(record: ReadableLogRecord, fallbackServiceName: string): OtlpLogRecord {
  const resourceAttributes = jsonMap(record.resource.attributes);
  const serviceName = resourceAttributes['service.name'];
  const scope = record.instrumentationScope;
  const traceId = record.spanContext?.traceId ?? '';
  const spanId = record.spanContext?.spanId ?? '';
  const inSpan = VALID_TRACE_ID.test(traceId) && VALID_SPAN_ID.test(spanId);
  return {
    resource: {
      attributes: resourceAttributes,
      serviceName: typeof serviceName === 'string' ? serviceName : fallbackServiceName,
      droppedAttributesCount: 0,
      schemaUrl: record.resource.schemaUrl ?? '',
    },
    scope: {
      name: scope.name,
      version: scope.version ?? '',
      attributes: jsonMap(scope.attributes),
      droppedAttributesCount: scope.droppedAttributesCount ?? 0,
      schemaUrl: scope.schemaUrl ?? '',
    },
    timeUnixNano: nanos(record.hrTime),
    observedTimeUnixNano: nanos(record.hrTimeObserved),
    severityNumber: Math.min(24, Math.max(0, Math.trunc(record.severityNumber ?? 0))),
    severityText: record.severityText ?? '',
    body: jsonValue(record.body),
    attributes: jsonMap(record.attributes),
    droppedAttributesCount: record.droppedAttributesCount,
    flags: inSpan ? (record.spanContext?.traceFlags ?? 0) : 0,
    traceId: inSpan ? traceId : null,
    spanId: inSpan ? spanId : null,
  };
}
