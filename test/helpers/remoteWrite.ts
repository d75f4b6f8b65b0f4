import protobuf from 'protobufjs';
import { compress } from 'snappyjs';

/** A sample to encode; `stale` writes Prometheus's StaleNaN bit pattern. */
export interface SampleInput {
  value: number;
  timestampMs: number;
  stale?: boolean;
}

export interface SeriesInput {
  labels: [string, string][];
  samples: SampleInput[];
  exemplars?: { labels: [string, string][]; value: number; timestampMs: number }[];
}

export interface MetadataInput {
  /** prompb MetricType number: 1 counter, 2 gauge, 3 histogram... */
  type: number;
  family: string;
  help?: string;
  unit?: string;
}

function labels(writer: protobuf.Writer, field: number, pairs: [string, string][]): void {
  for (const [name, value] of pairs) {
    writer.uint32((field << 3) | 2).fork();
    writer.uint32(10).string(name).uint32(18).string(value);
    writer.ldelim();
  }
}

/** The protobuf `prometheus.WriteRequest` of these series and metadata (not compressed). */
export function writeRequestProtobuf(series: SeriesInput[], metadata: MetadataInput[] = []): Uint8Array {
  const writer = protobuf.Writer.create();
  for (const s of series) {
    writer.uint32(10).fork();
    labels(writer, 1, s.labels);
    for (const sample of s.samples) {
      writer.uint32(18).fork();
      if (sample.stale) writer.uint32(9).fixed64({ low: 2, high: 0x7ff00000, unsigned: true } as never);
      else writer.uint32(9).double(sample.value);
      writer.uint32(16).int64(sample.timestampMs);
      writer.ldelim();
    }
    for (const e of s.exemplars ?? []) {
      writer.uint32(26).fork();
      labels(writer, 1, e.labels);
      writer.uint32(17).double(e.value).uint32(24).int64(e.timestampMs);
      writer.ldelim();
    }
    writer.ldelim();
  }
  for (const m of metadata) {
    writer.uint32(26).fork();
    writer.uint32(8).uint32(m.type).uint32(18).string(m.family);
    if (m.help) writer.uint32(34).string(m.help);
    if (m.unit) writer.uint32(42).string(m.unit);
    writer.ldelim();
  }
  return writer.finish();
}

/** A remote write body as Prometheus sends it: the WriteRequest in one Snappy block. */
export function remoteWriteBody(series: SeriesInput[], metadata: MetadataInput[] = []): Uint8Array {
  return compress(writeRequestProtobuf(series, metadata));
}

/** POSTs a remote write body with Prometheus's headers. */
export function postRemoteWrite(baseUrl: string, body: Uint8Array): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/write`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
    },
    body,
  });
}
