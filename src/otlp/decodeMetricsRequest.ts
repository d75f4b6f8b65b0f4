import { otlpPayloadOf } from './decodeOtlpBody.js';
import { decodePayloadInSlices } from './decodePayloadInSlices.js';
import { decodeMetricsProtobufInSlices } from './decodeProtobufInSlices.js';
import type { OtlpPayloadDecodeOptions } from './decodeTraceRequest.js';
import {
  toExponentialHistogramPoint,
  toHistogramPoint,
  toNumberPoint,
  toSummaryPoint,
} from './metricDataPoints.js';
import type { OtlpFormat } from './otlpFormat.js';
import type { DecodedMetrics, OtlpMetric, OtlpResource, OtlpScope, OtlpTemporality } from './otlpModel.js';
import { RejectionLog } from './RejectionLog.js';
import type { RawMetric, RawMetricsRequest } from './rawOtlp.js';
import { toResource, toScope } from './resourceAndScope.js';
import { TimeSlicer } from './TimeSlicer.js';

const TEMPORALITIES: readonly OtlpTemporality[] = ['unspecified', 'delta', 'cumulative'];

function temporality(value: number | null | undefined): OtlpTemporality {
  return TEMPORALITIES[value ?? 0] ?? 'unspecified';
}

/** Maps raw points, logging each rejected one. */
function points<R, P>(
  raws: R[] | null | undefined,
  map: (raw: R) => P | string,
  rejections: RejectionLog,
): P[] {
  const accepted: P[] = [];
  for (const raw of raws ?? []) {
    const point = map(raw);
    if (typeof point === 'string') rejections.reject(point);
    else accepted.push(point);
  }
  return accepted;
}

function rawPointCount(raw: RawMetric): number {
  const data = raw.gauge ?? raw.sum ?? raw.histogram ?? raw.exponentialHistogram ?? raw.summary;
  return data?.dataPoints?.length ?? 0;
}

/** A metric with its accepted points; undefined when it has no data (an empty envelope). */
function toMetric(
  raw: RawMetric,
  resource: OtlpResource,
  scope: OtlpScope,
  rejections: RejectionLog,
): OtlpMetric | undefined {
  const name = raw.name ?? '';
  if (name === '') {
    rejections.reject('metric without a name', rawPointCount(raw));
    return undefined;
  }
  const base = { resource, scope, name, description: raw.description ?? '', unit: raw.unit ?? '' };
  // Oneof members that are not set read as null (protobufjs) or are missing (JSON).
  if (raw.gauge != null) {
    return { ...base, type: 'gauge', dataPoints: points(raw.gauge.dataPoints, toNumberPoint, rejections) };
  }
  if (raw.sum != null) {
    return {
      ...base,
      type: 'sum',
      isMonotonic: raw.sum.isMonotonic ?? false,
      temporality: temporality(raw.sum.aggregationTemporality),
      dataPoints: points(raw.sum.dataPoints, toNumberPoint, rejections),
    };
  }
  if (raw.histogram != null) {
    return {
      ...base,
      type: 'histogram',
      temporality: temporality(raw.histogram.aggregationTemporality),
      dataPoints: points(raw.histogram.dataPoints, toHistogramPoint, rejections),
    };
  }
  if (raw.exponentialHistogram != null) {
    return {
      ...base,
      type: 'exponentialHistogram',
      temporality: temporality(raw.exponentialHistogram.aggregationTemporality),
      dataPoints: points(raw.exponentialHistogram.dataPoints, toExponentialHistogramPoint, rejections),
    };
  }
  if (raw.summary != null) {
    return {
      ...base,
      type: 'summary',
      dataPoints: points(raw.summary.dataPoints, toSummaryPoint, rejections),
    };
  }
  return undefined;
}

/** Maps every metric of `request` into `metrics` or `rejections`, one step per metric. */
function* mapMetrics(
  request: RawMetricsRequest,
  metrics: OtlpMetric[],
  rejections: RejectionLog,
): Generator<void> {
  for (const resourceMetrics of request.resourceMetrics ?? []) {
    const resource = toResource(resourceMetrics.resource, resourceMetrics.schemaUrl);
    for (const scopeMetrics of resourceMetrics.scopeMetrics ?? []) {
      const scope = toScope(scopeMetrics.scope, scopeMetrics.schemaUrl);
      for (const rawMetric of scopeMetrics.metrics ?? []) {
        const metric = toMetric(rawMetric, resource, scope, rejections);
        if (metric !== undefined && metric.dataPoints.length > 0) metrics.push(metric);
        yield;
      }
    }
  }
}

/**
 * Maps a raw ExportMetricsServiceRequest (protobuf or JSON) to metrics; invalid data points are
 * counted, not thrown, and metrics left without data points are omitted.
 */
export function mapMetricsRequest(request: RawMetricsRequest): DecodedMetrics {
  const metrics: OtlpMetric[] = [];
  const rejections = new RejectionLog('data points');
  const steps = mapMetrics(request, metrics, rejections);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return { metrics, ...rejections.result() };
}

/** {@link mapMetricsRequest} in slices (a metric at a time), pausing whenever `slicer` says so. */
export async function mapMetricsRequestInSlices(
  request: RawMetricsRequest,
  slicer: TimeSlicer = new TimeSlicer(),
): Promise<DecodedMetrics> {
  const metrics: OtlpMetric[] = [];
  const rejections = new RejectionLog('data points');
  const steps = mapMetrics(request, metrics, rejections);
  for (let step = steps.next(); !step.done; step = steps.next()) {
    if (slicer.due()) await slicer.pause();
  }
  return { metrics, ...rejections.result() };
}

/**
 * Decodes an ExportMetricsServiceRequest payload (already decompressed) a data point at a time,
 * pausing for the event loop every slice (~20 ms); OTLP/JSON is first turned into protobuf on a
 * worker thread. Stops with a 413 as soon as the data point count passes `maxItems`.
 *
 * @throws OtlpDecodeError 400 (malformed, JSON too deep) or 413 (too many data points)
 */
export async function decodeMetricsPayload(
  payload: Uint8Array,
  format: OtlpFormat,
  options: OtlpPayloadDecodeOptions = {},
): Promise<DecodedMetrics> {
  return decodePayloadInSlices(
    'metrics',
    payload,
    format,
    options,
    decodeMetricsProtobufInSlices,
    mapMetricsRequestInSlices,
  );
}

/**
 * Decodes an OTLP/HTTP `POST /v1/metrics` body (ExportMetricsServiceRequest) in protobuf or JSON,
 * optionally gzip-compressed: gauges, sums, histograms, exponential histograms and summaries.
 * Invalid data points (bad exemplar ids, inconsistent buckets...) are left out and counted in `rejected`.
 * Decoding runs in slices (see {@link decodeMetricsPayload}).
 *
 * @param contentType the request's Content-Type (`application/x-protobuf` or `application/json`)
 * @param contentEncoding the request's Content-Encoding (`gzip` or none)
 * @throws OtlpDecodeError (only) with the HTTP status to answer: 400, 413 or 415
 */
export async function decodeMetricsRequest(
  body: Uint8Array,
  contentType: string | undefined,
  contentEncoding?: string,
  options?: OtlpPayloadDecodeOptions,
): Promise<DecodedMetrics> {
  const { format, payload } = await otlpPayloadOf(body, contentType, contentEncoding, options);
  return decodeMetricsPayload(payload, format, options);
}
