import type { DatabaseSession } from '../db/Database.js';
import { ValidationError } from '../errors.js';
import { matches } from './labelMatch.js';
import { labelMatcherSql } from './labelMatcherSql.js';
import { labelNamesOf, labelValuesOf } from './labelsOfSeries.js';
import { type OtelInstrument, prometheusLabels, prometheusMetricName } from './otelToPrometheus.js';
import { QueryLimitError } from './PromQLError.js';
import type { LabelMatcher, Labels, SampleSource, SelectLimits, SeriesSamples } from './SampleSource.js';
import { logCountSeries, selectLogCounts } from './selectLogCounts.js';

/** How a Prometheus series is read from the rows of a stored OpenTelemetry series. */
type OtelValue = 'value' | 'running' | 'runningSum' | 'runningCount';

/** A Prometheus series made from a stored OpenTelemetry or library series. */
interface OtelSeries {
  id: string;
  labels: Labels;
  value: OtelValue;
}

/** Epoch milliseconds of `recorded_at`, as float8 (exact for millisecond times). */
const MS = 'round(extract(epoch FROM m.recorded_at) * 1000)::float8';

/**
 * The SELECT of remote-written series matching `matchers` that have samples (in `range` when given):
 * conditions on `metric_series` its indexes serve, then one probe of `metrics_sample_key` per series.
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
 * - OpenTelemetry and library metrics under Prometheus's OpenTelemetry translation (see
 *   `otelToPrometheus`): counters and up-down counters as running sums of their stored deltas, including
 *   every delta before the range (so `rate()` and `increase()` see what Prometheus would), gauges as
 *   stored, histograms as `_sum` and `_count`. Their names are translated, so their matchers are
 *   evaluated in memory over the described series;
 * - `pgtel_log_records_total{service_name, severity}`, a counter of stored log records (see
 *   `selectLogCounts`).
 */
export class PgSampleSource implements SampleSource {
  constructor(private readonly db: DatabaseSession) {}

  async select(
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
    limits: SelectLimits,
  ): Promise<SeriesSamples[]> {
    const remote = await this.remoteSeries(matchers);
    const result = await this.remoteSamples(remote, startMs, endMs, limits.maxSamples);
    const otel = await this.otelSeries(matchers);
    const loaded = result.reduce((n, s) => n + s.timestamps.length, 0);
    result.push(...(await this.otelSamples(otel, startMs, endMs, limits.maxSamples - loaded)));
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
    const otel = await this.otelSeries(matchers);
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT k.id::text AS id FROM unnest($1::bigint[]) AS k(id)
        WHERE EXISTS (SELECT 1 FROM ${this.db.table('metrics')} m WHERE m.series_id = k.id
                        AND m.metric_type <> 'sample' AND m.recorded_at BETWEEN $2 AND $3)`,
      [[...new Set(otel.map((s) => s.id))], new Date(startMs), new Date(endMs)],
    );
    const present = new Set(rows.map((r) => r.id));
    return [
      ...remote.values(),
      ...otel.filter((s) => present.has(s.id)).map((s) => s.labels),
      ...(await logCountSeries(this.db, matchers, startMs, endMs)),
    ];
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

  private async remoteSamples(
    series: Map<string, Labels>,
    startMs: number,
    endMs: number,
    maxSamples: number,
  ): Promise<SeriesSamples[]> {
    if (series.size === 0) return [];
    const { rows } = await this.db.query<{ id: string; t: number; v: number; stale: boolean }>(
      `SELECT m.series_id::text AS id, ${MS} AS t, m.metric_value AS v, m.stale
         FROM ${this.db.table('metrics')} m
        WHERE m.series_id = ANY($1::bigint[]) AND m.metric_type = 'sample'
          AND m.recorded_at >= $2 AND m.recorded_at <= $3
        ORDER BY m.series_id, m.recorded_at LIMIT $4`,
      [[...series.keys()], new Date(startMs), new Date(endMs), maxSamples + 1],
    );
    if (rows.length > maxSamples) throw new QueryLimitError(maxSamples);
    const out = new Map<string, { timestamps: number[]; values: number[]; stale: boolean[] }>();
    for (const row of rows) {
      const s = out.get(row.id) ?? { timestamps: [], values: [], stale: [] };
      if (s.timestamps.length === 0) out.set(row.id, s);
      s.timestamps.push(Number(row.t));
      s.values.push(row.stale ? Number.NaN : Number(row.v));
      s.stale.push(row.stale);
    }
    return [...out].map(([id, s]) => ({
      labels: series.get(id)!,
      timestamps: s.timestamps,
      values: s.values,
      ...(s.stale.includes(true) ? { stale: s.stale } : {}),
    }));
  }

  /** Described OpenTelemetry and library series whose translated labels match `matchers`. */
  private async otelSeries(matchers: readonly LabelMatcher[]): Promise<OtelSeries[]> {
    const { rows } = await this.db.query<{
      id: string;
      name: string;
      service_name: string;
      resource: Record<string, string>;
      labels: Record<string, string>;
      instrument: OtelInstrument;
      unit: string;
    }>(
      `SELECT s.series_id::text AS id, s.metric_name AS name, s.service_name, s.resource, s.labels, d.instrument, d.unit
         FROM ${this.db.table('metric_series')} s JOIN ${this.db.table('metric_descriptions')} d USING (metric_name)`,
    );
    const result: OtelSeries[] = [];
    for (const row of rows) {
      const base = prometheusMetricName(row.name, row.unit, row.instrument);
      const labels = prometheusLabels(row.service_name, row.resource, row.labels);
      const variants: [string, OtelValue][] =
        row.instrument === 'histogram'
          ? [
              [`${base}_sum`, 'runningSum'],
              [`${base}_count`, 'runningCount'],
            ]
          : [[base, row.instrument === 'gauge' ? 'value' : 'running']];
      for (const [name, value] of variants) {
        const full = { __name__: name, ...labels };
        if (matchers.every((m) => matches(m, full))) {
          result.push({ id: row.id, labels: full, value });
        }
      }
    }
    return result;
  }

  /** Samples of translated series: running sums start from every delta stored before the range. */
  private async otelSamples(
    series: OtelSeries[],
    startMs: number,
    endMs: number,
    maxSamples: number,
  ): Promise<SeriesSamples[]> {
    if (series.length === 0) return [];
    const ids = [...new Set(series.map((s) => s.id))];
    const metrics = this.db.table('metrics');
    const { rows } = await this.db.query<{
      id: string;
      t: number;
      type: string;
      v: number;
      rv: number | null;
      rs: number;
      rc: number;
    }>(
      `WITH base AS (
         SELECT series_id, sum(metric_value) FILTER (WHERE metric_type = 'counter') AS v,
                sum(coalesce(sample_sum, 0)) AS s, sum(sample_count) AS c
           FROM ${metrics} WHERE series_id = ANY($1::bigint[]) AND metric_type <> 'sample' AND recorded_at < $2
          GROUP BY series_id)
       SELECT m.series_id::text AS id, ${MS} AS t, m.metric_type AS type, m.metric_value AS v,
              coalesce(b.v, 0) + sum(m.metric_value) FILTER (WHERE m.metric_type = 'counter') OVER w AS rv,
              coalesce(b.s, 0) + sum(coalesce(m.sample_sum, 0)) OVER w AS rs,
              coalesce(b.c, 0) + sum(m.sample_count) OVER w AS rc
         FROM ${metrics} m LEFT JOIN base b ON b.series_id = m.series_id
        WHERE m.series_id = ANY($1::bigint[]) AND m.metric_type <> 'sample'
          AND m.recorded_at >= $2 AND m.recorded_at <= $3
       WINDOW w AS (PARTITION BY m.series_id ORDER BY m.recorded_at ROWS UNBOUNDED PRECEDING)
        ORDER BY m.series_id, m.recorded_at LIMIT $4`,
      [ids, new Date(startMs), new Date(endMs), maxSamples + 1],
    );
    const rowsOf = new Map<string, typeof rows>();
    for (const row of rows) {
      const own = rowsOf.get(row.id);
      if (own) own.push(row);
      else rowsOf.set(row.id, [row]);
    }
    const result: SeriesSamples[] = [];
    let loaded = 0;
    for (const s of series) {
      const own = rowsOf.get(s.id) ?? [];
      if (own.length === 0) continue;
      loaded += own.length;
      if (loaded > maxSamples) throw new QueryLimitError(maxSamples);
      const pick = { value: 'v', running: 'rv', runningSum: 'rs', runningCount: 'rc' } as const;
      result.push({
        labels: s.labels,
        timestamps: own.map((r) => Number(r.t)),
        // A level (an up-down counter sent cumulative is stored as gauge rows) is read as it is.
        values: own.map((r) => Number(r.type === 'gauge' ? r.v : r[pick[s.value]])),
      });
    }
    return result;
  }
}
