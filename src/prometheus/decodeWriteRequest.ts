import protobuf from 'protobufjs';
import { uncompress } from 'snappyjs';
import { OtlpDecodeError } from '../otlp/OtlpDecodeError.js';
import type {
  RemoteExemplar,
  RemoteMetadata,
  RemoteSample,
  RemoteSeries,
  RemoteWriteRequest,
} from './RemoteWrite.js';

/** Limits of one decoded request. */
export interface WriteRequestLimits {
  /** Largest decompressed body; a Snappy block declaring more is refused (413) before it is inflated. */
  maxPayloadBytes: number;
  /** Most samples per request; beyond, 413. */
  maxSamples: number;
  /** Told the decompressed size before it is allocated (the ingest memory budget); may throw. */
  reserve?: (bytes: number) => void;
}

/** Metric names and label names as Prometheus (remote write 1.0) accepts them. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** `MetricMetadata.MetricType` of prompb, by number. */
const METADATA_TYPES = [
  'unknown',
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
];
const utf8 = new TextDecoder('utf-8', { fatal: true });

const invalid = (message: string) => new OtlpDecodeError(400, message);

/** Snappy block length header: the uncompressed size, as a varint (undefined when malformed). */
function declaredLength(body: Uint8Array): number | undefined {
  let length = 0;
  for (let i = 0, shift = 0; i < 5 && i < body.length; i++, shift += 7) {
    length += (body[i]! & 0x7f) * 2 ** shift;
    if ((body[i]! & 0x80) === 0) return length;
  }
  return undefined;
}

/** Reads the string of a length-delimited field, refusing invalid UTF-8 as Prometheus does. */
function readString(reader: protobuf.Reader, what: string): string {
  const bytes = reader.bytes();
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalid(`${what} is not valid UTF-8`);
  }
}

/** The int64 at the reader as a JS number (milliseconds fit exactly). */
function readInt64(reader: protobuf.Reader): number {
  const value = reader.int64() as unknown as number | { toNumber(): number };
  return typeof value === 'number' ? value : value.toNumber();
}

/** A double read with its bit pattern: Prometheus's StaleNaN (0x7ff0000000000002) marks staleness. */
function readDouble(reader: protobuf.Reader): { value: number; stale: boolean } {
  const view = new DataView(reader.buf.buffer, reader.buf.byteOffset, reader.buf.byteLength);
  if (reader.pos + 8 > reader.len) throw invalid('truncated double');
  const low = view.getUint32(reader.pos, true);
  const high = view.getUint32(reader.pos + 4, true);
  return { value: reader.double(), stale: high === 0x7ff00000 && low === 2 };
}

/** Fields of one embedded message, calling `field(number, wireType)` for each (which must consume it). */
function readMessage(reader: protobuf.Reader, field: (number: number, wireType: number) => boolean): void {
  const length = reader.uint32();
  const end = reader.pos + length;
  if (end > reader.len) throw invalid('truncated message');
  readFields(reader, end, field);
}

function readFields(
  reader: protobuf.Reader,
  end: number,
  field: (number: number, wireType: number) => boolean,
) {
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (!field(tag >>> 3, tag & 7)) reader.skipType(tag & 7);
  }
  if (reader.pos !== end) throw invalid('truncated message');
}

function readLabel(reader: protobuf.Reader): [string, string] {
  let name = '';
  let value = '';
  readMessage(reader, (n, w) => {
    if (n === 1 && w === 2) name = readString(reader, 'label name');
    else if (n === 2 && w === 2) value = readString(reader, 'label value');
    else return false;
    return true;
  });
  return [name, value];
}

/** Label pairs into a map, refusing what Prometheus refuses: empty or invalid names, repeated names. */
function labelMap(pairs: readonly [string, string][], what: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, value] of pairs) {
    if (!LABEL_NAME.test(name)) throw invalid(`${what}: invalid label name ${JSON.stringify(name)}`);
    if (seen.has(name)) throw invalid(`${what}: duplicate label name ${JSON.stringify(name)}`);
    seen.add(name);
    if (value !== '') labels[name] = value;
  }
  return labels;
}

const describe = (pairs: readonly [string, string][]) =>
  `series {${pairs.map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(', ')}}`;

function readSeries(reader: protobuf.Reader, counts: { samples: number; histograms: number }, max: number) {
  const pairs: [string, string][] = [];
  const samples: RemoteSample[] = [];
  const exemplars: RemoteExemplar[] = [];
  readMessage(reader, (n, w) => {
    if (n === 1 && w === 2) pairs.push(readLabel(reader));
    else if (n === 2 && w === 2) {
      let value = { value: 0, stale: false };
      let timestampMs = 0;
      readMessage(reader, (f, fw) => {
        if (f === 1 && fw === 1) value = readDouble(reader);
        else if (f === 2 && fw === 0) timestampMs = readInt64(reader);
        else return false;
        return true;
      });
      if (++counts.samples > max) throw new OtlpDecodeError(413, `more than ${max} samples in one request`);
      samples.push({ timestampMs, value: value.stale ? Number.NaN : value.value, stale: value.stale });
    } else if (n === 3 && w === 2) {
      const exemplarPairs: [string, string][] = [];
      let value = 0;
      let timestampMs = 0;
      readMessage(reader, (f, fw) => {
        if (f === 1 && fw === 2) exemplarPairs.push(readLabel(reader));
        else if (f === 2 && fw === 1) value = reader.double();
        else if (f === 3 && fw === 0) timestampMs = readInt64(reader);
        else return false;
        return true;
      });
      exemplars.push({ labels: labelMap(exemplarPairs, 'exemplar'), value, timestampMs });
    } else if (n === 4 && w === 2) {
      counts.histograms++;
      return false;
    } else return false;
    return true;
  });
  const name = pairs.find(([label]) => label === '__name__')?.[1];
  if (name === undefined || name === '') throw invalid(`${describe(pairs)} has no __name__ label`);
  if (!METRIC_NAME.test(name))
    throw invalid(`${describe(pairs)}: invalid metric name ${JSON.stringify(name)}`);
  const { __name__: _, ...labels } = labelMap(pairs, describe(pairs));
  return { name, labels, samples, exemplars } satisfies RemoteSeries;
}

function readMetadata(reader: protobuf.Reader): RemoteMetadata {
  let type = 0;
  let family = '';
  let help = '';
  let unit = '';
  readMessage(reader, (n, w) => {
    if (n === 1 && w === 0) type = reader.uint32();
    else if (n === 2 && w === 2) family = readString(reader, 'metric family name');
    else if (n === 4 && w === 2) help = readString(reader, 'help');
    else if (n === 5 && w === 2) unit = readString(reader, 'unit');
    else return false;
    return true;
  });
  return { family, type: METADATA_TYPES[type] ?? 'unknown', help, unit };
}

/**
 * Decodes a Prometheus remote write 1.0 body: a Snappy block (no framing) of a protobuf
 * `prometheus.WriteRequest`. Label sets are validated as Prometheus's receiver does (a `__name__`,
 * valid and unique names; pairs need not be sorted). Throws an `OtlpDecodeError` with the status to
 * answer (400 malformed or invalid, 413 too large); the only error it throws, whatever the bytes.
 */
export function decodeWriteRequest(body: Uint8Array, limits: WriteRequestLimits): RemoteWriteRequest {
  const length = declaredLength(body);
  if (length === undefined) throw invalid('body is not Snappy-compressed (block format)');
  if (length > limits.maxPayloadBytes) {
    throw new OtlpDecodeError(
      413,
      `decompressed body of ${length} bytes exceeds the limit of ${limits.maxPayloadBytes}`,
    );
  }
  limits.reserve?.(length);
  let payload: Uint8Array;
  try {
    payload = uncompress(body, limits.maxPayloadBytes);
  } catch (cause) {
    throw invalid(`body is not valid Snappy: ${(cause as Error).message}`);
  }
  const reader = protobuf.Reader.create(payload);
  const series: RemoteSeries[] = [];
  const metadata: RemoteMetadata[] = [];
  const counts = { samples: 0, histograms: 0 };
  try {
    readFields(reader, reader.len, (n, w) => {
      if (n === 1 && w === 2) series.push(readSeries(reader, counts, limits.maxSamples));
      else if (n === 3 && w === 2) metadata.push(readMetadata(reader));
      else return false;
      return true;
    });
  } catch (cause) {
    if (cause instanceof OtlpDecodeError) throw cause;
    throw invalid(`body is not a valid protobuf WriteRequest: ${(cause as Error).message}`);
  }
  return { series, metadata, sampleCount: counts.samples, skippedHistograms: counts.histograms };
}
