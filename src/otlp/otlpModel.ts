/*
 * What the OTLP decoders produce: plain objects, JSON-compatible attributes, ids as lowercase hex,
 * times as exact epoch nanoseconds (`...UnixNano`, bigint) plus a Date (millisecond precision, rounded down).
 */

/**
 * An OTLP AnyValue as JSON: strings, booleans, numbers, arrays, and key-value lists as objects.
 * int64 values beyond +-2^53 are decimal strings, non-finite doubles are the strings `NaN`,
 * `Infinity`, `-Infinity`, bytes are base64 strings, and an empty value is null.
 */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/** Attribute key -> value; a repeated key keeps its last value. */
export type Attributes = Record<string, AttributeValue>;

export interface OtlpResource {
  attributes: Attributes;
  /** `service.name` when it is a string, else `unknown_service` (the OpenTelemetry default). */
  serviceName: string;
  droppedAttributesCount: number;
  schemaUrl: string;
}

/** The instrumentation scope (library) that produced the telemetry. */
export interface OtlpScope {
  name: string;
  version: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  schemaUrl: string;
}

export type OtlpSpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type OtlpStatusCode = 'unset' | 'ok' | 'error';

export interface OtlpSpanEvent {
  timeUnixNano: bigint;
  time: Date;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface OtlpSpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
}

export interface OtlpSpan {
  /** Shared by every span of the same ResourceSpans. */
  resource: OtlpResource;
  /** Shared by every span of the same ScopeSpans. */
  scope: OtlpScope;
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** 16 lowercase hex characters, or null for a root span. */
  parentSpanId: string | null;
  traceState: string;
  flags: number;
  name: string;
  kind: OtlpSpanKind;
  /** Exact epoch nanoseconds. */
  startTimeUnixNano: bigint;
  /** `startTimeUnixNano` at millisecond precision. */
  startTime: Date;
  endTimeUnixNano: bigint;
  endTime: Date;
  attributes: Attributes;
  events: OtlpSpanEvent[];
  links: OtlpSpanLink[];
  status: { code: OtlpStatusCode; message: string };
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
}

export type OtlpTemporality = 'unspecified' | 'delta' | 'cumulative';

export interface OtlpExemplar {
  filteredAttributes: Attributes;
  timeUnixNano: bigint;
  time: Date;
  /** int64 values are converted to the nearest double; NaN when the exemplar carries no value. */
  value: number;
  /** 32 lowercase hex characters, or null when the exemplar has no trace. */
  traceId: string | null;
  /** 16 lowercase hex characters, or null when the exemplar has no span. */
  spanId: string | null;
}

export interface OtlpDataPointBase {
  attributes: Attributes;
  /** Start of the aggregation window (exact epoch nanoseconds); 0 when the sender left it unset. */
  startTimeUnixNano: bigint;
  startTime: Date;
  /** When the point was recorded (exact epoch nanoseconds). */
  timeUnixNano: bigint;
  time: Date;
  flags: number;
  /** The DATA_POINT_FLAGS_NO_RECORDED_VALUE flag: a staleness marker that carries no value. */
  noRecordedValue: boolean;
}

export interface OtlpNumberDataPoint extends OtlpDataPointBase {
  /** int64 values are converted to the nearest double; NaN when `noRecordedValue`. */
  value: number;
  exemplars: OtlpExemplar[];
}

export interface OtlpHistogramDataPoint extends OtlpDataPointBase {
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  /** Upper bounds, strictly increasing; `bucketCounts` has one more element (the overflow bucket). */
  explicitBounds: number[];
  bucketCounts: number[];
  exemplars: OtlpExemplar[];
}

export interface OtlpExponentialBuckets {
  /** Index of the first bucket; bucket i covers (base^(offset+i), base^(offset+i+1)]. */
  offset: number;
  bucketCounts: number[];
}

export interface OtlpExponentialHistogramDataPoint extends OtlpDataPointBase {
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  /** base = 2^(2^-scale); -10..20. */
  scale: number;
  zeroCount: number;
  zeroThreshold: number;
  positive: OtlpExponentialBuckets;
  negative: OtlpExponentialBuckets;
  exemplars: OtlpExemplar[];
}

export interface OtlpSummaryDataPoint extends OtlpDataPointBase {
  count: number;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
}

interface OtlpMetricBase {
  resource: OtlpResource;
  scope: OtlpScope;
  name: string;
  description: string;
  unit: string;
}

export type OtlpMetric =
  | (OtlpMetricBase & { type: 'gauge'; dataPoints: OtlpNumberDataPoint[] })
  | (OtlpMetricBase & {
      type: 'sum';
      isMonotonic: boolean;
      temporality: OtlpTemporality;
      dataPoints: OtlpNumberDataPoint[];
    })
  | (OtlpMetricBase & {
      type: 'histogram';
      temporality: OtlpTemporality;
      dataPoints: OtlpHistogramDataPoint[];
    })
  | (OtlpMetricBase & {
      type: 'exponentialHistogram';
      temporality: OtlpTemporality;
      dataPoints: OtlpExponentialHistogramDataPoint[];
    })
  | (OtlpMetricBase & { type: 'summary'; dataPoints: OtlpSummaryDataPoint[] });

/**
 * Items the decoder refused (invalid ids, inconsistent histograms...): the request is still accepted,
 * and the server reports them as an OTLP partial success.
 */
export interface OtlpRejections {
  /** Spans (traces), data points (metrics) or log records (logs) rejected. */
  rejected: number;
  /** Human-readable reasons, '' when nothing was rejected. */
  errorMessage: string;
}

export interface DecodedTraces extends OtlpRejections {
  spans: OtlpSpan[];
}

export interface DecodedMetrics extends OtlpRejections {
  /** Metrics with at least one accepted data point. */
  metrics: OtlpMetric[];
}

export interface OtlpLogRecord {
  /** Shared by every record of the same ResourceLogs. */
  resource: OtlpResource;
  /** Shared by every record of the same ScopeLogs. */
  scope: OtlpScope;
  /** When the event happened (exact epoch nanoseconds); 0 when the sender left it unset. */
  timeUnixNano: bigint;
  /** When it was observed by the collecting process; 0 when unset. */
  observedTimeUnixNano: bigint;
  /** 0 (unspecified) to 24 (FATAL4). */
  severityNumber: number;
  severityText: string;
  /** The body as JSON: a string for a string body (or bytes, in base64), null when absent. */
  body: AttributeValue;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
  /** 32 lowercase hex characters, or null outside a trace. */
  traceId: string | null;
  /** 16 lowercase hex characters, or null outside a span. */
  spanId: string | null;
}

export interface DecodedLogs extends OtlpRejections {
  logRecords: OtlpLogRecord[];
}
