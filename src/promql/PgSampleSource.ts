import type { DatabaseSession } from '../db/Database.js';
import { ValidationError } from '../errors.js';
import { float8ArrayFromBinary, timestamptzArrayFromBinary } from './binaryArrays.js';
import { matches } from './labelMatch.js';
import { labelMatcherSql } from './labelMatcherSql.js';
import { labelNamesOf, labelValuesOf } from './labelsOfSeries.js';
import { OtelSampleReader } from './OtelSampleReader.js';
import { QueryLimitError } from './PromQLError.js';
import type {
  Exemplar,
  LabelMatcher,
  Labels,
  SampleSource,
  SelectLimits,
  SeriesExemplars,
  SeriesSamples,
} from './SampleSource.js';
import { logCountSeries, selectLogCounts } from './selectLogCounts.js';

/** An element of the `metrics.exemplars` column. */
interface StoredExemplar {
  trace_id: string;
  span_id: string;
  value: number;
  observed_at: string;
  attributes?: Record<string, string>;
}

/** Remote-written series whose samples one query reads (a bound on what the limit lets through). */
const SERIES_PER_QUERY = 64;

/**
 * The SELECT of remote-written series matching `matchers` that have samples (in `range` when given):
 * conditions on `metric_series` its indexes serve, then one probe of `metrics_sample_points` per series.
 */
function remoteSeriesQuery(
  db: Pick<DatabaseSession, 'table'>,
  matchers: readonly LabelMatcher[],
  range?: [Date, Date],
): { sql: string; params: unknown[] } {
  const pushed = matchers.filter((m) => !inMemoryOnly(m));
  const { conditions, params } = labelMatcherSql(pushed, 's', range ? 3 : 1);
  const within = range ? ' AND m.recorded_at BETWEEN $1 AND $2' : '';
  const hasSamples = `EXISTS (SELECT 1 FROM ${db.table('metrics')} m
     WHERE m.series_id = s.series_id AND m.metric_type = 'sample'${within})`;
  return {
    sql: `SELECT s.series_id::text AS id, s.metric_name AS name, s.labels FROM ${db.table('metric_series')} s
           WHERE ${[...conditions, hasSamples].join(' AND ')}`,
    params: [...(range ?? []), ...params],
  };
}

/**
 * A regex with RE2 flag groups past a leading `(?i)` (`(?i:PRO).*`), which PostgreSQL's regular
 * expressions do not take: matched in memory over the rows the other matchers select.
 */
function inMemoryOnly(m: LabelMatcher): boolean {
  return (m.type === '=~' || m.type === '!~') && m.value.replace(/^\(\?i\)/, '').includes('(?');
}

/** A PostgreSQL error for a malformed regular expression, as the caller's 400. */
function regexError(error: unknown): unknown {
  const state = (error as { sqlState?: string }).sqlState;
  if (state === '2201B')
    return new ValidationError(`invalid regular expression in a label matcher: ${(error as Error).message}`);
  return error;
}

/**
 * The PromQL engine's samples from pgtel's tables (PostgreSQL or PGlite):
 * - remote-written Prometheus series (`metrics` rows of type 'sample'), label matchers and time range
 *   pushed into SQL on `metric_series` (btree on `metric_name`, GIN on `labels`), staleness markers
 *   flagged;
 * - OpenTelemetry and library metrics under Prometheus's OpenTelemetry translation, read by
 *   `OtelSampleReader` (`_bucket`/`_sum`/`_count` for histograms, `target_info` per resource);
 * - `pgtel_log_records_total{service_name, severity}`, a counter of stored log records (see
 *   `selectLogCounts`).
 */
export class PgSampleSource implements SampleSource {
  private readonly otel: OtelSampleReader;

  constructor(private readonly db: DatabaseSession) {
    this.otel = new OtelSampleReader(db);
  }

  async select(
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
    limits: SelectLimits,
  ): Promise<SeriesSamples[]> {
    const remote = await this.remoteSeries(matchers);
    const result = await this.remoteSamples(remote, startMs, endMs, limits.maxSamples);
    const otel = await this.otel.series(matchers, startMs, endMs);
    const loaded = result.reduce((n, s) => n + s.timestamps.length, 0);
    result.push(...(await this.otel.samples(otel, startMs, endMs, limits.maxSamples - loaded)));
    const all = result.reduce((n, s) => n + s.timestamps.length, 0);
    result.push(...(await selectLogCounts(this.db, matchers, startMs, endMs, limits.maxSamples - all)));
    return result;
  }

  async labelNames(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<string[]> {
    return labelNamesOf(await this.matchingSeries(matchers, startMs, endMs));
  }

  async labelValues(
    name: string,
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
  ): Promise<string[]> {
    return labelValuesOf(await this.matchingSeries(matchers, startMs, endMs), name);
  }

  /** Labels of the matching series that have samples in the range. */
  async matchingSeries(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<Labels[]> {
    const remote = await this.remoteSeries(matchers, [new Date(startMs), new Date(endMs)]);
    const otel = await this.otel.series(matchers, startMs, endMs);
    return [
      ...remote.values(),
      ...(await this.otel.present(otel, startMs, endMs)),
      ...(await logCountSeries(this.db, matchers, startMs, endMs)),
    ];
  }

  /**
   * Exemplars stored on the rows of the matching series, observed in the range: a remote-written
   * series' own, a translated counter's or gauge's own, and a histogram's on the `_bucket` series
   * whose bucket holds the exemplar's value (as Prometheus's OpenTelemetry translation places them).
   */
  async exemplars(
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
  ): Promise<SeriesExemplars[]> {
    const remote = await this.remoteSeries(matchers);
    const otel = await this.otel.series(matchers, startMs, endMs);
    const seriesOf = new Map<string, (value: number) => Labels | undefined>();
    for (const [id, labels] of remote) seriesOf.set(id, () => labels);
    for (const s of otel.plain)
      if (s.value === 'running' || s.value === 'value') seriesOf.set(s.id, () => s.labels);
    const bucketsOf = new Map<string, { le: number; labels: Labels }[]>();
    for (const b of [...otel.buckets].sort((x, y) => x.le - y.le)) {
      bucketsOf.set(b.id, [...(bucketsOf.get(b.id) ?? []), b]);
    }
    for (const [id, buckets] of bucketsOf)
      seriesOf.set(id, (value) => buckets.find((b) => value <= b.le)?.labels);
    if (seriesOf.size === 0) return [];
    const { rows } = await this.db.query<{ id: string; exemplars: StoredExemplar[] }>(
      `SELECT m.series_id::text AS id, m.exemplars FROM ${this.db.table('metrics')} m
        WHERE m.series_id = ANY($1::bigint[]) AND m.exemplars IS NOT NULL
          AND m.recorded_at >= $2 AND m.recorded_at <= $3
        ORDER BY m.recorded_at`,
      [[...seriesOf.keys()], new Date(startMs), new Date(endMs)],
    );
    const found = new Map<Labels, Exemplar[]>();
    for (const row of rows) {
      for (const e of row.exemplars) {
        const timestampMs = Date.parse(e.observed_at);
        const labels = seriesOf.get(row.id)!(e.value);
        if (!labels || timestampMs < startMs || timestampMs > endMs) continue;
        const exemplar = {
          labels: {
            ...e.attributes,
            ...(e.trace_id ? { trace_id: e.trace_id } : {}),
            ...(e.span_id ? { span_id: e.span_id } : {}),
          },
          value: e.value,
          timestampMs,
        };
        found.set(labels, [...(found.get(labels) ?? []), exemplar]);
      }
    }
    return [...found].map(([seriesLabels, exemplars]) => ({ seriesLabels, exemplars }));
  }

  /** Remote-written series matching `matchers` (with samples in `range` when given), by id. */
  private async remoteSeries(
    matchers: readonly LabelMatcher[],
    range?: [Date, Date],
  ): Promise<Map<string, Labels>> {
    const { sql, params } = remoteSeriesQuery(this.db, matchers, range);
    try {
      const { rows } = await this.db.query<{ id: string; name: string; labels: Record<string, string> }>(
        sql,
        params,
      );
      const residual = matchers.filter(inMemoryOnly);
      const found = new Map<string, Labels>();
      for (const r of rows) {
        const labels = { __name__: r.name, ...r.labels };
        if (residual.every((m) => matches(m, labels))) found.set(r.id, labels);
      }
      return found;
    } catch (error) {
      throw regexError(error);
    }
  }

  /**
   * Samples of remote-written series, a batch of series per query: each series' samples come as two
   * binary arrays read off the covering index (`metrics_sample_points`) in time order. The limit is
   * checked after each batch, and no series of a batch reads more than the samples still allowed.
   */
  private async remoteSamples(
    series: Map<string, Labels>,
    startMs: number,
    endMs: number,
    maxSamples: number,
  ): Promise<SeriesSamples[]> {
    const ids = [...series.keys()];
    const result: SeriesSamples[] = [];
    let loaded = 0;
    for (let i = 0; i < ids.length; i += SERIES_PER_QUERY) {
      const { rows } = await this.db.query<{ id: string; t: Uint8Array; v: Uint8Array; stale: number[] }>(
        `SELECT k.id::text AS id, p.t, p.v, p.stale FROM unnest($1::bigint[]) AS k(id)
         CROSS JOIN LATERAL (
           SELECT array_send(array_agg(s.recorded_at)) AS t, array_send(array_agg(s.metric_value)) AS v,
                  array_positions(array_agg(s.stale), true) AS stale
             FROM (SELECT m.recorded_at, m.metric_value, m.stale FROM ${this.db.table('metrics')} m
                    WHERE m.series_id = k.id AND m.metric_type = 'sample'
                      AND m.recorded_at >= $2 AND m.recorded_at <= $3
                    ORDER BY m.recorded_at LIMIT $4) s) p
         WHERE p.t IS NOT NULL`,
        [ids.slice(i, i + SERIES_PER_QUERY), new Date(startMs), new Date(endMs), maxSamples - loaded + 1],
      );
      for (const row of rows) {
        const timestamps = timestamptzArrayFromBinary(row.t);
        loaded += timestamps.length;
        if (loaded > maxSamples) throw new QueryLimitError(maxSamples);
        const values = float8ArrayFromBinary(row.v);
        let stale: boolean[] | undefined;
        if (row.stale.length > 0) {
          stale = new Array<boolean>(timestamps.length).fill(false);
          for (const position of row.stale) stale[position - 1] = true;
        }
        result.push({ labels: series.get(row.id)!, timestamps, values, ...(stale ? { stale } : {}) });
      }
    }
    return result;
  }
}
