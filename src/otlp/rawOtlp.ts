/*
 * The shape of a decoded OTLP request before pgtel maps it to its own model: what protobufjs decoding
 * yields (absent fields are prototype defaults, null or missing; a oneof member is set only when it is
 * an own property) and what the OTLP/JSON reader yields (absent fields missing). Field names are the
 * lowerCamelCase OTLP names.
 */
import type { Long } from 'protobufjs';

/** int64 family values: protobufjs gives Long, the JSON reader gives bigint. */
export type RawInt64 = Long | bigint | number;
/** Span and trace ids: bytes from protobuf, hex text from JSON (validated later). */
export type RawId = Uint8Array | string;
type Opt<T> = T | null | undefined;

export interface RawAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: RawInt64;
  doubleValue?: number;
  arrayValue?: Opt<{ values?: Opt<RawAnyValue[]> }>;
  kvlistValue?: Opt<{ values?: Opt<RawKeyValue[]> }>;
  bytesValue?: Uint8Array;
}

export interface RawKeyValue {
  key?: Opt<string>;
  value?: Opt<RawAnyValue>;
}

export interface RawResource {
  attributes?: Opt<RawKeyValue[]>;
  droppedAttributesCount?: Opt<number>;
}

export interface RawScope {
  name?: Opt<string>;
  version?: Opt<string>;
  attributes?: Opt<RawKeyValue[]>;
  droppedAttributesCount?: Opt<number>;
}

export interface RawEvent {
  timeUnixNano?: Opt<RawInt64>;
  name?: Opt<string>;
  attributes?: Opt<RawKeyValue[]>;
  droppedAttributesCount?: Opt<number>;
}

export interface RawLink {
  traceId?: Opt<RawId>;
  spanId?: Opt<RawId>;
  traceState?: Opt<string>;
  attributes?: Opt<RawKeyValue[]>;
  droppedAttributesCount?: Opt<number>;
  flags?: Opt<number>;
}

export interface RawSpan {
  traceId?: Opt<RawId>;
  spanId?: Opt<RawId>;
  traceState?: Opt<string>;
  parentSpanId?: Opt<RawId>;
  flags?: Opt<number>;
  name?: Opt<string>;
  kind?: Opt<number>;
  startTimeUnixNano?: Opt<RawInt64>;
  endTimeUnixNano?: Opt<RawInt64>;
  attributes?: Opt<RawKeyValue[]>;
  droppedAttributesCount?: Opt<number>;
  events?: Opt<RawEvent[]>;
  droppedEventsCount?: Opt<number>;
  links?: Opt<RawLink[]>;
  droppedLinksCount?: Opt<number>;
  status?: Opt<{ message?: Opt<string>; code?: Opt<number> }>;
}

export interface RawTraceRequest {
  resourceSpans?: Opt<
    {
      resource?: Opt<RawResource>;
      schemaUrl?: Opt<string>;
      scopeSpans?: Opt<{ scope?: Opt<RawScope>; schemaUrl?: Opt<string>; spans?: Opt<RawSpan[]> }[]>;
    }[]
  >;
}

export interface RawExemplar {
  filteredAttributes?: Opt<RawKeyValue[]>;
  timeUnixNano?: Opt<RawInt64>;
  asDouble?: number;
  asInt?: RawInt64;
  spanId?: Opt<RawId>;
  traceId?: Opt<RawId>;
}

export interface RawPointBase {
  attributes?: Opt<RawKeyValue[]>;
  startTimeUnixNano?: Opt<RawInt64>;
  timeUnixNano?: Opt<RawInt64>;
  flags?: Opt<number>;
}

export interface RawNumberDataPoint extends RawPointBase {
  asDouble?: number;
  asInt?: RawInt64;
  exemplars?: Opt<RawExemplar[]>;
}

export interface RawHistogramDataPoint extends RawPointBase {
  count?: Opt<RawInt64>;
  sum?: Opt<number>;
  bucketCounts?: Opt<RawInt64[]>;
  explicitBounds?: Opt<number[]>;
  exemplars?: Opt<RawExemplar[]>;
  min?: Opt<number>;
  max?: Opt<number>;
}

export interface RawBuckets {
  offset?: Opt<number>;
  bucketCounts?: Opt<RawInt64[]>;
}

export interface RawExponentialHistogramDataPoint extends RawPointBase {
  count?: Opt<RawInt64>;
  sum?: Opt<number>;
  scale?: Opt<number>;
  zeroCount?: Opt<RawInt64>;
  positive?: Opt<RawBuckets>;
  negative?: Opt<RawBuckets>;
  exemplars?: Opt<RawExemplar[]>;
  min?: Opt<number>;
  max?: Opt<number>;
  zeroThreshold?: Opt<number>;
}

export interface RawSummaryDataPoint extends RawPointBase {
  count?: Opt<RawInt64>;
  sum?: Opt<number>;
  quantileValues?: Opt<{ quantile?: Opt<number>; value?: Opt<number> }[]>;
}

export interface RawMetric {
  name?: Opt<string>;
  description?: Opt<string>;
  unit?: Opt<string>;
  gauge?: Opt<{ dataPoints?: Opt<RawNumberDataPoint[]> }>;
  sum?: Opt<{
    dataPoints?: Opt<RawNumberDataPoint[]>;
    aggregationTemporality?: Opt<number>;
    isMonotonic?: Opt<boolean>;
  }>;
  histogram?: Opt<{ dataPoints?: Opt<RawHistogramDataPoint[]>; aggregationTemporality?: Opt<number> }>;
  exponentialHistogram?: Opt<{
    dataPoints?: Opt<RawExponentialHistogramDataPoint[]>;
    aggregationTemporality?: Opt<number>;
  }>;
  summary?: Opt<{ dataPoints?: Opt<RawSummaryDataPoint[]> }>;
}

export interface RawMetricsRequest {
  resourceMetrics?: Opt<
    {
      resource?: Opt<RawResource>;
      schemaUrl?: Opt<string>;
      scopeMetrics?: Opt<{ scope?: Opt<RawScope>; schemaUrl?: Opt<string>; metrics?: Opt<RawMetric[]> }[]>;
    }[]
  >;
}

export interface RawLogRecord {
  timeUnixNano?: Opt<RawInt64>;
  observedTimeUnixNano?: Opt<RawInt64>;
  severityNumber?: Opt<number>;
  severityText?: Opt<string>;
  body?: Opt<RawAnyValue>;
  attributes?: Opt<RawKeyValue[]>;
  droppedAttributesCount?: Opt<number>;
  flags?: Opt<number>;
  traceId?: Opt<RawId>;
  spanId?: Opt<RawId>;
}

export interface RawLogsRequest {
  resourceLogs?: Opt<
    {
      resource?: Opt<RawResource>;
      schemaUrl?: Opt<string>;
      scopeLogs?: Opt<{ scope?: Opt<RawScope>; schemaUrl?: Opt<string>; logRecords?: Opt<RawLogRecord[]> }[]>;
    }[]
  >;
}
