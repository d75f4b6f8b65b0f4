import protobuf from 'protobufjs';
import { OtlpDecodeError } from './OtlpDecodeError.js';
import { otlpTypes } from './protoRoot.js';
import type { RawLogsRequest, RawMetric, RawMetricsRequest, RawTraceRequest } from './rawOtlp.js';
import { TimeSlicer } from './TimeSlicer.js';

/** Limits of one sliced decode. */
export interface SliceOptions {
  /** Most spans (traces), data points (metrics) or log records (logs) accepted; one more is a 413. Default: unlimited. */
  maxItems?: number;
  /** Pacing of the work; default a new {@link TimeSlicer} (20 ms slices). */
  slicer?: TimeSlicer;
}

const LEN = 2; // wire type of length-delimited fields (messages, strings, bytes, packed)

function fieldType(type: protobuf.Type, name: string): protobuf.Type {
  const resolved = type.fields[name]?.resolve().resolvedType;
  if (!(resolved instanceof protobuf.Type)) throw new Error(`OTLP schema has no message field ${name}`);
  return resolved;
}

const ResourceSpans = fieldType(otlpTypes.ExportTraceServiceRequest, 'resourceSpans');
const ScopeSpans = fieldType(ResourceSpans, 'scopeSpans');
const Resource = fieldType(ResourceSpans, 'resource');
const Scope = fieldType(ScopeSpans, 'scope');
const Span = fieldType(ScopeSpans, 'spans');
const ResourceMetrics = fieldType(otlpTypes.ExportMetricsServiceRequest, 'resourceMetrics');
const ScopeMetrics = fieldType(ResourceMetrics, 'scopeMetrics');
const Metric = fieldType(ScopeMetrics, 'metrics');
const ResourceLogs = fieldType(otlpTypes.ExportLogsServiceRequest, 'resourceLogs');
const LogRecord = fieldType(fieldType(ResourceLogs, 'scopeLogs'), 'logRecords');

/** The data members of a Metric (a oneof) by field number, with their point type. */
const METRIC_DATA: Record<number, { key: keyof RawMetric; point: protobuf.Type }> = {};
for (const key of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const) {
  const field = Metric.fields[key]!;
  METRIC_DATA[field.id] = { key, point: fieldType(fieldType(Metric, key), 'dataPoints') };
}

/** Walks one message's fields (from the reader's position to `end`); `field` consumes what it reads. */
async function readFields(
  reader: protobuf.Reader,
  end: number,
  field: (id: number, wireType: number) => boolean | Promise<boolean>,
): Promise<void> {
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 0) throw new RangeError('invalid field number 0');
    const handled = field(tag >>> 3, tag & 7);
    if (!(handled === true || (handled !== false && (await handled)))) reader.skipType(tag & 7);
  }
  if (reader.pos !== end) throw new RangeError('field runs past the end of its message');
}

/** Counts items against the cap and paces the work. */
class Progress {
  items = 0;
  readonly slicer: TimeSlicer;

  constructor(
    private readonly maxItems: number,
    private readonly itemName: string,
    slicer?: TimeSlicer,
  ) {
    this.slicer = slicer ?? new TimeSlicer();
  }

  /** Counts one item: a 413 past the cap. */
  count(): void {
    if (++this.items > this.maxItems) {
      throw new OtlpDecodeError(
        413,
        `request carries more than ${this.maxItems} ${this.itemName} (the per-request limit, option maxItemsPerRequest); send smaller batches`,
      );
    }
  }
}

/**
 * Counts the items of a request without decoding them: walks the envelopes (`path`: field numbers of
 * the nested messages down to the items, e.g. resource_spans=1, scope_spans=2, spans=2) and skips each
 * item. Allocates nothing per item, so an oversized request is refused before it costs any memory.
 */
async function countItems(
  reader: protobuf.Reader,
  end: number,
  path: readonly number[],
  progress: Progress,
  descend?: (reader: protobuf.Reader, end: number) => Promise<void>,
): Promise<void> {
  const [field, ...rest] = path;
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 0) throw new RangeError('invalid field number 0');
    if (tag >>> 3 !== field || (tag & 7) !== LEN) {
      reader.skipType(tag & 7);
      continue;
    }
    const itemEnd = lengthEnd(reader);
    if (rest.length > 0) await countItems(reader, itemEnd, rest, progress, descend);
    else if (descend) await descend(reader, itemEnd);
    else {
      progress.count();
      reader.pos = itemEnd;
      if (progress.slicer.due()) await progress.slicer.pause();
    }
    if (reader.pos !== itemEnd) throw new RangeError('field runs past the end of its message');
  }
}

function lengthEnd(reader: protobuf.Reader): number {
  const length = reader.uint32();
  const end = reader.pos + length;
  if (end > reader.len) throw new RangeError(`index out of range: ${end} > ${reader.len}`);
  return end;
}

async function decodeInSlices<T>(
  payload: Uint8Array,
  read: (reader: protobuf.Reader) => Promise<T>,
): Promise<T> {
  // A Buffer view lets protobufjs decode strings with Buffer's native UTF-8 decoder.
  const buffer = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  try {
    return await read(protobuf.Reader.create(buffer));
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw error;
    throw new OtlpDecodeError(400, `malformed protobuf: ${(error as Error).message}`, { cause: error });
  }
}

/** One resource's part of a request as decoded: its resource and its scopes, each with its items. */
interface Envelope<T> {
  resource: unknown;
  schemaUrl: string;
  scopes: { scope: unknown; schemaUrl: string; items: T[] }[];
}

/**
 * Walks the envelope every OTLP signal shares: the request's resources (field 1), each with its
 * `Resource` (1), scopes (2) and schema URL (3), each scope with its `InstrumentationScope` (1),
 * items (2) and schema URL (3). `readItem` reads one item (a span, a metric) at the reader.
 */
async function readEnvelopes<T>(reader: protobuf.Reader, readItem: () => Promise<T>): Promise<Envelope<T>[]> {
  const envelopes: Envelope<T>[] = [];
  await readFields(reader, reader.len, async (id, wire) => {
    if (id !== 1 || wire !== LEN) return false;
    const end = lengthEnd(reader);
    const envelope: Envelope<T> = { resource: null, schemaUrl: '', scopes: [] };
    envelopes.push(envelope);
    await readFields(reader, end, async (rid, rwire) => {
      if (rwire !== LEN) return false;
      if (rid === 1) envelope.resource = Resource.decode(reader, reader.uint32());
      else if (rid === 3) envelope.schemaUrl = reader.string();
      else if (rid === 2) {
        const scopeEnd = lengthEnd(reader);
        const scope: Envelope<T>['scopes'][number] = { scope: null, schemaUrl: '', items: [] };
        envelope.scopes.push(scope);
        await readFields(reader, scopeEnd, async (sid, swire) => {
          if (swire !== LEN) return false;
          if (sid === 1) scope.scope = Scope.decode(reader, reader.uint32());
          else if (sid === 3) scope.schemaUrl = reader.string();
          else if (sid === 2) scope.items.push(await readItem());
          else return false;
          return true;
        });
      } else return false;
      return true;
    });
    return true;
  });
  return envelopes;
}

/**
 * Decodes a request whose items sit directly in its scopes (spans, log records) piece by piece,
 * pausing for the event loop whenever a slice is used up and stopping with a 413 as soon as the item
 * count passes `maxItems`.
 */
function decodeScopeItemsInSlices(
  payload: Uint8Array,
  item: protobuf.Type,
  itemName: string,
  options: SliceOptions,
): Promise<Envelope<unknown>[]> {
  const progress = new Progress(options.maxItems ?? Number.POSITIVE_INFINITY, itemName, options.slicer);
  return decodeInSlices(payload, async (reader) => {
    if (options.maxItems !== undefined) {
      await countItems(reader, reader.len, [1, 2, 2], progress);
      reader.pos = 0;
      progress.items = 0;
    }
    return readEnvelopes(reader, async () => {
      progress.count();
      const decoded = item.decode(reader, reader.uint32());
      if (progress.slicer.due()) await progress.slicer.pause();
      return decoded;
    });
  });
}

/**
 * Decodes an ExportTraceServiceRequest piece by piece (each resource, scope and span on its own),
 * pausing for the event loop whenever a slice is used up and stopping with a 413 as soon as the
 * span count passes `maxItems`. Gives what `type.decode` gives for the fields pgtel reads.
 *
 * @throws OtlpDecodeError 400 when malformed, 413 past `maxItems`
 */
export async function decodeTraceProtobufInSlices(
  payload: Uint8Array,
  options: SliceOptions = {},
): Promise<RawTraceRequest> {
  const envelopes = await decodeScopeItemsInSlices(payload, Span, 'spans', options);
  const resourceSpans = envelopes.map(({ resource, schemaUrl, scopes }) => ({
    resource,
    schemaUrl,
    scopeSpans: scopes.map(({ scope, schemaUrl, items }) => ({ scope, schemaUrl, spans: items })),
  })) as NonNullable<RawTraceRequest['resourceSpans']>;
  return { resourceSpans };
}

/**
 * Decodes an ExportLogsServiceRequest piece by piece (each resource, scope and log record on its
 * own), as {@link decodeTraceProtobufInSlices} does spans.
 *
 * @throws OtlpDecodeError 400 when malformed, 413 past `maxItems`
 */
export async function decodeLogsProtobufInSlices(
  payload: Uint8Array,
  options: SliceOptions = {},
): Promise<RawLogsRequest> {
  const envelopes = await decodeScopeItemsInSlices(payload, LogRecord, 'log records', options);
  const resourceLogs = envelopes.map(({ resource, schemaUrl, scopes }) => ({
    resource,
    schemaUrl,
    scopeLogs: scopes.map(({ scope, schemaUrl, items }) => ({ scope, schemaUrl, logRecords: items })),
  })) as NonNullable<RawLogsRequest['resourceLogs']>;
  return { resourceLogs };
}

/** Reads a metric's data member (Gauge, Sum...): its points one by one, temporality and monotonicity. */
async function readMetricData(
  reader: protobuf.Reader,
  point: protobuf.Type,
  progress: Progress,
): Promise<Record<string, unknown>> {
  const data: Record<string, unknown> = { dataPoints: [], aggregationTemporality: 0, isMonotonic: false };
  const points = data.dataPoints as unknown[];
  await readFields(reader, lengthEnd(reader), async (id, wire) => {
    if (id === 1 && wire === LEN) {
      progress.count();
      points.push(point.decode(reader, reader.uint32()));
      if (progress.slicer.due()) await progress.slicer.pause();
    } else if (id === 2 && wire === 0) data.aggregationTemporality = reader.int32();
    else if (id === 3 && wire === 0) data.isMonotonic = reader.bool();
    else return false;
    return true;
  });
  return data;
}

/**
 * Decodes an ExportMetricsServiceRequest piece by piece (each resource, scope, metric and data
 * point on its own), pausing for the event loop whenever a slice is used up and stopping with a 413
 * as soon as the data point count passes `maxItems`.
 *
 * @throws OtlpDecodeError 400 when malformed, 413 past `maxItems`
 */
export function decodeMetricsProtobufInSlices(
  payload: Uint8Array,
  options: SliceOptions = {},
): Promise<RawMetricsRequest> {
  const progress = new Progress(options.maxItems ?? Number.POSITIVE_INFINITY, 'data points', options.slicer);
  return decodeInSlices(payload, async (reader) => {
    if (options.maxItems !== undefined) {
      // Metrics hold their points one level down, in whichever data member (gauge, sum...) is set.
      await countItems(reader, reader.len, [1, 2, 2], progress, async (r, metricEnd) => {
        while (r.pos < metricEnd) {
          const tag = r.uint32();
          if (METRIC_DATA[tag >>> 3] !== undefined && (tag & 7) === LEN) {
            const dataEnd = lengthEnd(r);
            await countItems(r, dataEnd, [1], progress);
          } else r.skipType(tag & 7);
        }
        if (r.pos !== metricEnd) throw new RangeError('field runs past the end of its message');
      });
      reader.pos = 0;
      progress.items = 0;
    }
    const envelopes = await readEnvelopes(reader, () => readMetric(reader, progress));
    const resourceMetrics = envelopes.map(({ resource, schemaUrl, scopes }) => ({
      resource,
      schemaUrl,
      scopeMetrics: scopes.map(({ scope, schemaUrl, items }) => ({ scope, schemaUrl, metrics: items })),
    })) as NonNullable<RawMetricsRequest['resourceMetrics']>;
    return { resourceMetrics };
  });
}

async function readMetric(reader: protobuf.Reader, progress: Progress): Promise<RawMetric> {
  const metric: Record<string, unknown> = { name: '', description: '', unit: '' };
  await readFields(reader, lengthEnd(reader), async (id, wire) => {
    if (wire !== LEN) return false;
    if (id === 1) metric.name = reader.string();
    else if (id === 2) metric.description = reader.string();
    else if (id === 3) metric.unit = reader.string();
    else {
      const data = METRIC_DATA[id];
      if (data === undefined) return false;
      // A oneof: the member read last wins, as in protobuf decoding.
      for (const other of Object.values(METRIC_DATA)) delete metric[other.key];
      metric[data.key] = await readMetricData(reader, data.point, progress);
    }
    return true;
  });
  return metric as RawMetric;
}
