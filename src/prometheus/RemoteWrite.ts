/** A Prometheus remote write 1.0 request, decoded and validated (see `decodeWriteRequest`). */

/** One sample: value and time; a staleness marker has `stale` set and a NaN value. */
export interface RemoteSample {
  readonly timestampMs: number;
  readonly value: number;
  readonly stale: boolean;
}

export interface RemoteExemplar {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestampMs: number;
}

export interface RemoteSeries {
  /** The metric name (`__name__`). */
  readonly name: string;
  /** The other labels, without empty values (an empty label is an absent one in Prometheus). */
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: readonly RemoteSample[];
  readonly exemplars: readonly RemoteExemplar[];
}

/** What remote write says of a metric family. */
export interface RemoteMetadata {
  readonly family: string;
  /** Lower case: counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown. */
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

export interface RemoteWriteRequest {
  readonly series: readonly RemoteSeries[];
  readonly metadata: readonly RemoteMetadata[];
  /** Samples in the request (for limits and counters). */
  readonly sampleCount: number;
  /** Native histogram samples, which remote write 1.0 does not carry: skipped. */
  readonly skippedHistograms: number;
}
