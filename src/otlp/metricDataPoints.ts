import { keyValuesToAttributes } from './anyValue.js';
import { int64ToBigInt, int64ToNumber, nanosToDate } from './int64.js';
import { idToHex } from './otlpIds.js';
import type {
  OtlpDataPointBase,
  OtlpExemplar,
  OtlpExponentialBuckets,
  OtlpExponentialHistogramDataPoint,
  OtlpHistogramDataPoint,
  OtlpNumberDataPoint,
  OtlpSummaryDataPoint,
} from './otlpModel.js';
import type {
  RawBuckets,
  RawExemplar,
  RawExponentialHistogramDataPoint,
  RawHistogramDataPoint,
  RawInt64,
  RawNumberDataPoint,
  RawPointBase,
  RawSummaryDataPoint,
} from './rawOtlp.js';

/*
 * Each mapper returns the data point, or a string saying why it is rejected.
 */

const NO_RECORDED_VALUE = 1;
const { hasOwn } = Object;

function pointBase(raw: RawPointBase): OtlpDataPointBase {
  const startTimeUnixNano = int64ToBigInt(raw.startTimeUnixNano);
  const timeUnixNano = int64ToBigInt(raw.timeUnixNano);
  const flags = raw.flags ?? 0;
  return {
    attributes: keyValuesToAttributes(raw.attributes),
    startTimeUnixNano,
    startTime: nanosToDate(startTimeUnixNano),
    timeUnixNano,
    time: nanosToDate(timeUnixNano),
    flags,
    noRecordedValue: (flags & NO_RECORDED_VALUE) !== 0,
  };
}

/** The value of a NumberDataPoint or Exemplar oneof, or undefined when neither member is set. */
function numberValue(raw: { asDouble?: number; asInt?: RawInt64 }): number | undefined {
  if (hasOwn(raw, 'asDouble')) return raw.asDouble;
  if (hasOwn(raw, 'asInt')) return int64ToNumber(raw.asInt);
  return undefined;
}

function toExemplars(raws: RawExemplar[] | null | undefined): OtlpExemplar[] | string {
  const exemplars: OtlpExemplar[] = [];
  for (const raw of raws ?? []) {
    const traceId = idToHex(raw.traceId, 16);
    const spanId = idToHex(raw.spanId, 8);
    if (traceId === null) return 'invalid exemplar trace id';
    if (spanId === null) return 'invalid exemplar span id';
    const timeUnixNano = int64ToBigInt(raw.timeUnixNano);
    exemplars.push({
      filteredAttributes: keyValuesToAttributes(raw.filteredAttributes),
      timeUnixNano,
      time: nanosToDate(timeUnixNano),
      value: numberValue(raw) ?? Number.NaN,
      traceId: traceId || null,
      spanId: spanId || null,
    });
  }
  return exemplars;
}

function toCounts(raws: RawInt64[] | null | undefined): number[] {
  return (raws ?? []).map(int64ToNumber);
}

/** A gauge or sum data point. */
export function toNumberPoint(raw: RawNumberDataPoint): OtlpNumberDataPoint | string {
  const base = pointBase(raw);
  const value = numberValue(raw) ?? (base.noRecordedValue ? Number.NaN : undefined);
  if (value === undefined) return 'number data point without a value';
  const exemplars = toExemplars(raw.exemplars);
  if (typeof exemplars === 'string') return exemplars;
  return { ...base, value, exemplars };
}

function isStrictlyIncreasing(values: number[]): boolean {
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i]) || (i > 0 && values[i]! <= values[i - 1]!)) return false;
  }
  return true;
}

export function toHistogramPoint(raw: RawHistogramDataPoint): OtlpHistogramDataPoint | string {
  const explicitBounds = raw.explicitBounds ?? [];
  const bucketCounts = toCounts(raw.bucketCounts);
  if (bucketCounts.length > 0 && bucketCounts.length !== explicitBounds.length + 1) {
    return 'histogram with bucket counts not one more than explicit bounds';
  }
  if (!isStrictlyIncreasing(explicitBounds)) return 'histogram explicit bounds not strictly increasing';
  const exemplars = toExemplars(raw.exemplars);
  if (typeof exemplars === 'string') return exemplars;
  return {
    ...pointBase(raw),
    count: int64ToNumber(raw.count),
    sum: raw.sum ?? null,
    min: raw.min ?? null,
    max: raw.max ?? null,
    explicitBounds,
    bucketCounts,
    exemplars,
  };
}

function toBuckets(raw: RawBuckets | null | undefined): OtlpExponentialBuckets {
  return { offset: raw?.offset ?? 0, bucketCounts: toCounts(raw?.bucketCounts) };
}

export function toExponentialHistogramPoint(
  raw: RawExponentialHistogramDataPoint,
): OtlpExponentialHistogramDataPoint | string {
  const scale = raw.scale ?? 0;
  if (scale < -10 || scale > 20) return 'exponential histogram scale outside -10..20';
  const exemplars = toExemplars(raw.exemplars);
  if (typeof exemplars === 'string') return exemplars;
  return {
    ...pointBase(raw),
    count: int64ToNumber(raw.count),
    sum: raw.sum ?? null,
    min: raw.min ?? null,
    max: raw.max ?? null,
    scale,
    zeroCount: int64ToNumber(raw.zeroCount),
    zeroThreshold: raw.zeroThreshold ?? 0,
    positive: toBuckets(raw.positive),
    negative: toBuckets(raw.negative),
    exemplars,
  };
}

export function toSummaryPoint(raw: RawSummaryDataPoint): OtlpSummaryDataPoint | string {
  const quantileValues = (raw.quantileValues ?? []).map((q) => ({
    quantile: q.quantile ?? 0,
    value: q.value ?? 0,
  }));
  if (quantileValues.some(({ quantile }) => !(quantile >= 0 && quantile <= 1))) {
    return 'summary quantile outside 0..1';
  }
  return { ...pointBase(raw), count: int64ToNumber(raw.count), sum: raw.sum ?? 0, quantileValues };
}
