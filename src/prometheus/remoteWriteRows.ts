import { ValidationError } from '../errors.js';
import type { Exemplar } from '../metrics/ExemplarReservoir.js';
import { exemplarsJson, type SampleRow, sampleRow } from '../metrics/metricRows.js';
import { type StoredSeries, storedSeries } from '../metrics/StoredSeries.js';
import type { TimeWindow } from '../otlp/timeWindow.js';
import type { RemoteExemplar, RemoteSample, RemoteWriteRequest } from './RemoteWrite.js';

/** The rows of a request, one series at a time, ready for the checks against stored samples. */
export interface RemoteWriteRows {
  rows: SampleRow[];
  /** The request's series by id. */
  series: Map<string, StoredSeries>;
}

/** Two samples at one timestamp are the same one: equal values (NaN equals NaN), same staleness. */
export function sameSample(
  a: { value: number; stale: boolean },
  b: { value: number; stale: boolean },
): boolean {
  return a.stale === b.stale && Object.is(a.value, b.value);
}

const TRACE_ID_LABELS = ['trace_id', 'traceID', 'traceId'];
const SPAN_ID_LABELS = ['span_id', 'spanID', 'spanId'];

/** An exemplar in pgtel's shape: trace and span ids from their usual labels, the rest as attributes. */
function exemplarOf(exemplar: RemoteExemplar): Exemplar {
  const attributes: Record<string, string> = {};
  let traceId = '';
  let spanId = '';
  for (const [name, value] of Object.entries(exemplar.labels)) {
    if (TRACE_ID_LABELS.includes(name)) traceId = value.toLowerCase();
    else if (SPAN_ID_LABELS.includes(name)) spanId = value.toLowerCase();
    else attributes[name] = value;
  }
  return { traceId, spanId, value: exemplar.value, time: exemplar.timestampMs, attributes };
}

function refuse(what: string, series: StoredSeries, sample: RemoteSample): never {
  const labels = Object.entries(series.labels).map(([n, v]) => `${n}=${JSON.stringify(v)}`);
  throw new ValidationError(
    `${what} for series ${series.name}{${labels.join(', ')}} at ${new Date(sample.timestampMs).toISOString()}`,
  );
}

/**
 * The `metrics` rows of a decoded request, refusing (ValidationError, so 400 and nothing stored) what
 * Prometheus's own receiver refuses within one request: a sample older than an earlier one of its
 * series ("out of order sample") or at the same timestamp with another value ("duplicate sample for
 * timestamp"), and samples outside the `window` of accepted times ("out of bounds"). An exact repeat
 * is dropped. Exemplars ride on the row of their series at their timestamp, else its last row. Pure.
 */
export function remoteWriteRows(request: RemoteWriteRequest, window?: TimeWindow): RemoteWriteRows {
  const rows: SampleRow[] = [];
  const series = new Map<string, StoredSeries>();
  for (const remote of request.series) {
    const stored = storedSeries({
      name: remote.name,
      serviceName: '',
      resource: {},
      scopeName: '',
      scopeVersion: '',
      labels: remote.labels,
    });
    series.set(stored.id, stored);
    const first = rows.length;
    let last: RemoteSample | undefined;
    for (const sample of remote.samples) {
      if (window && (sample.timestampMs < window.oldestMs || sample.timestampMs > window.newestMs)) {
        refuse(
          `out of bounds (older than the ${window.retentionDays}-day retention or too far ahead)`,
          stored,
          sample,
        );
      }
      if (last && sample.timestampMs < last.timestampMs) refuse('out of order sample', stored, sample);
      if (last && sample.timestampMs === last.timestampMs) {
        if (!sameSample(sample, last)) refuse('duplicate sample for timestamp', stored, sample);
        continue;
      }
      last = sample;
      rows.push(sampleRow(stored, sample.value, new Date(sample.timestampMs), sample.stale));
    }
    attachExemplars(rows.slice(first), remote.exemplars);
  }
  return { rows, series };
}

/** Sets the exemplars column of a series' rows (an exemplar without a row of its series is dropped). */
function attachExemplars(rows: SampleRow[], exemplars: readonly RemoteExemplar[]): void {
  if (rows.length === 0 || exemplars.length === 0) return;
  const byRow = new Map<SampleRow, Exemplar[]>();
  for (const exemplar of exemplars) {
    const row = rows.find((r) => r[3].getTime() === exemplar.timestampMs) ?? rows[rows.length - 1]!;
    byRow.set(row, [...(byRow.get(row) ?? []), exemplarOf(exemplar)]);
  }
  for (const [row, list] of byRow) row[11] = exemplarsJson(list);
}
