import type { DatabaseSession } from '../db/Database.js';
import { matches } from './labelMatch.js';
import { countAtOrBelow, leBounds, leLabel } from './otelBuckets.js';
import {
  type OtelInstrument,
  prometheusLabels,
  prometheusMetricName,
  targetInfoLabels,
} from './otelToPrometheus.js';
import { QueryLimitError } from './PromQLError.js';
import type { LabelMatcher, Labels, SeriesSamples } from './SampleSource.js';

/** How a Prometheus series is read from the rows of a stored OpenTelemetry series. */
type OtelValue = 'value' | 'running' | 'runningSum' | 'runningCount';

/** A Prometheus series made from one stored OpenTelemetry or library series. */
interface OtelSeries {
  readonly id: string;
  readonly labels: Labels;
  readonly value: OtelValue;
}

/** One `_bucket` series of a stored explicit-bucket histogram. */
interface BucketSeries {
  readonly id: string;
  readonly labels: Labels;
  readonly le: number;
}

/** The `target_info` series of one resource: 1 whenever one of its series has a point. */
interface TargetInfoSeries {
  readonly ids: readonly string[];
  readonly labels: Labels;
}

/** The translated series matching a selector, by how their samples are read. */
export interface TranslatedSeries {
  readonly plain: readonly OtelSeries[];
  readonly buckets: readonly BucketSeries[];
  readonly targetInfo: readonly TargetInfoSeries[];
}

interface SeriesRow {
  id: string;
  name: string;
  service_name: string;
  resource: Record<string, string>;
  labels: Record<string, string>;
  instrument: OtelInstrument;
  unit: string;
}

/** Epoch milliseconds of `recorded_at`, as float8 (exact for millisecond times). */
const MS = 'round(extract(epoch FROM m.recorded_at) * 1000)::float8';

/** The Prometheus names a stored metric shows under, with how each is read (`bucket` per `le`). */
function translatedNames(row: { name: string; unit: string; instrument: OtelInstrument }) {
  const base = prometheusMetricName(row.name, row.unit, row.instrument);
  if (row.instrument === 'histogram') {
    return [
      [`${base}_bucket`, 'bucket'],
      [`${base}_sum`, 'runningSum'],
      [`${base}_count`, 'runningCount'],
    ] as const;
  }
  return [[base, row.instrument === 'gauge' ? 'value' : 'running']] as const;
}

const ids = (series: readonly { id: string }[]) => [...new Set(series.map((s) => s.id))];

/**
 * OpenTelemetry and library metrics as Prometheus series, under Prometheus's OpenTelemetry
 * translation (`otelToPrometheus`): counters and up-down counters as running sums of their stored
 * deltas (every delta before the range included, so `rate()` and `increase()` see what Prometheus
 * would), gauges as stored, histograms as `_sum`, `_count` and, for explicit-bucket histograms,
 * cumulative `_bucket` series with `le`; each resource with attributes beyond job and instance as a
 * `target_info` series. Name matchers are resolved against the (small) `metric_descriptions` first,
 * so only the series of the stored names that can match are read; other matchers apply in memory to
 * the translated labels.
 */
export class OtelSampleReader {
  constructor(private readonly db: DatabaseSession) {}

  /** The translated series matching `matchers`; `_bucket` series are those with buckets in the range. */
  async series(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<TranslatedSeries> {
    const nameMatchers = matchers.filter((m) => m.name === '__name__');
    const nameMatches = (name: string) => nameMatchers.every((m) => matches(m, { __name__: name }));
    const wantInfo = nameMatches('target_info');
    const { rows: described } = await this.db.query<{
      name: string;
      instrument: OtelInstrument;
      unit: string;
    }>(`SELECT metric_name AS name, instrument, unit FROM ${this.db.table('metric_descriptions')}`);
    const names = described
      .filter((d) => translatedNames(d).some(([name]) => nameMatches(name)))
      .map((d) => d.name);
    if (names.length === 0 && !wantInfo) return { plain: [], buckets: [], targetInfo: [] };
    const { rows } = await this.db.query<SeriesRow>(
      `SELECT s.series_id::text AS id, s.metric_name AS name, s.service_name, s.resource, s.labels, d.instrument, d.unit
         FROM ${this.db.table('metric_series')} s JOIN ${this.db.table('metric_descriptions')} d USING (metric_name)
        ${wantInfo ? '' : 'WHERE s.metric_name = ANY($1::text[])'}`,
      wantInfo ? [] : [names],
    );
    const plain: OtelSeries[] = [];
    const bucketed: { id: string; labels: Labels }[] = [];
    for (const row of rows) {
      const labels = prometheusLabels(row.service_name, row.resource, row.labels);
      for (const [name, value] of translatedNames(row)) {
        if (!nameMatches(name)) continue;
        const full = { __name__: name, ...labels };
        if (value === 'bucket') bucketed.push({ id: row.id, labels: full });
        else if (matchers.every((m) => matches(m, full))) plain.push({ id: row.id, labels: full, value });
      }
    }
    return {
      plain,
      buckets: await this.bucketSeries(bucketed, matchers, startMs, endMs),
      targetInfo: wantInfo ? targetInfoSeries(rows, matchers) : [],
    };
  }

  /** Samples of the translated series; throws a QueryLimitError past `maxSamples`. */
  async samples(
    series: TranslatedSeries,
    startMs: number,
    endMs: number,
    maxSamples: number,
  ): Promise<SeriesSamples[]> {
    const result = await this.plainSamples(series.plain, startMs, endMs, maxSamples);
    const loaded = () => result.reduce((n, s) => n + s.timestamps.length, 0);
    result.push(...(await this.bucketSamples(series.buckets, startMs, endMs, maxSamples - loaded())));
    result.push(...(await this.targetInfoSamples(series.targetInfo, startMs, endMs, maxSamples - loaded())));
    return result;
  }

  /** Labels of the translated series with a point in the range. */
  async present(series: TranslatedSeries, startMs: number, endMs: number): Promise<Labels[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT k.id::text AS id FROM unnest($1::bigint[]) AS k(id)
        WHERE EXISTS (SELECT 1 FROM ${this.db.table('metrics')} m WHERE m.series_id = k.id
                        AND m.metric_type <> 'sample' AND m.recorded_at BETWEEN $2 AND $3)`,
      [
        [...ids(series.plain), ...series.targetInfo.flatMap((t) => t.ids)],
        new Date(startMs),
        new Date(endMs),
      ],
    );
    const present = new Set(rows.map((r) => r.id));
    return [
      ...series.plain.filter((s) => present.has(s.id)).map((s) => s.labels),
      // Bucket series exist only where the range has buckets.
      ...series.buckets.map((s) => s.labels),
      ...series.targetInfo.filter((t) => t.ids.some((id) => present.has(id))).map((t) => t.labels),
    ];
  }

  /** One `_bucket` series per `le` the histogram's rows in the range have, kept when `matchers` match. */
  private async bucketSeries(
    histograms: readonly { id: string; labels: Labels }[],
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
  ): Promise<BucketSeries[]> {
    if (histograms.length === 0) return [];
    const { rows } = await this.db.query<{ id: string; bounds: number[] }>(
      `SELECT DISTINCT m.series_id::text AS id, m.bucket_bounds AS bounds FROM ${this.db.table('metrics')} m
        WHERE m.series_id = ANY($1::bigint[]) AND m.bucket_bounds IS NOT NULL
          AND m.recorded_at >= $2 AND m.recorded_at <= $3`,
      [ids(histograms), new Date(startMs), new Date(endMs)],
    );
    const boundsOf = new Map<string, number[][]>();
    for (const r of rows) boundsOf.set(r.id, [...(boundsOf.get(r.id) ?? []), r.bounds.map(Number)]);
    const result: BucketSeries[] = [];
    for (const h of histograms) {
      const lists = boundsOf.get(h.id);
      if (!lists) continue;
      for (const le of leBounds(lists)) {
        const labels = { ...h.labels, le: leLabel(le) };
        if (matchers.every((m) => matches(m, labels))) result.push({ id: h.id, labels, le });
      }
    }
    return result;
  }

  /** Samples of plain translated series: running sums start from every delta stored before the range. */
  private async plainSamples(
    series: readonly OtelSeries[],
    startMs: number,
    endMs: number,
    maxSamples: number,
  ): Promise<SeriesSamples[]> {
    if (series.length === 0) return [];
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
      [ids(series), new Date(startMs), new Date(endMs), maxSamples + 1],
    );
    const rowsOf = groupById(rows);
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

  /** Samples of `_bucket` series: per `le`, every observation up to `le` since the series started. */
  private async bucketSamples(
    series: readonly BucketSeries[],
    startMs: number,
    endMs: number,
    maxSamples: number,
  ): Promise<SeriesSamples[]> {
    if (series.length === 0) return [];
    const metrics = this.db.table('metrics');
    const histogramIds = ids(series);
    const { rows: before } = await this.db.query<{ id: string; le: number; c: number }>(
      `SELECT m.series_id::text AS id, u.le, sum(u.c)::float8 AS c
         FROM ${metrics} m CROSS JOIN LATERAL unnest(m.bucket_bounds || 'Infinity'::float8, m.bucket_counts) AS u(le, c)
        WHERE m.series_id = ANY($1::bigint[]) AND m.bucket_counts IS NOT NULL AND m.recorded_at < $2
        GROUP BY 1, 2`,
      [histogramIds, new Date(startMs)],
    );
    const { rows } = await this.db.query<{ id: string; t: number; bounds: number[]; counts: number[] }>(
      `SELECT m.series_id::text AS id, ${MS} AS t, m.bucket_bounds AS bounds, m.bucket_counts AS counts
         FROM ${metrics} m
        WHERE m.series_id = ANY($1::bigint[]) AND m.bucket_counts IS NOT NULL
          AND m.recorded_at >= $2 AND m.recorded_at <= $3
        ORDER BY m.series_id, m.recorded_at LIMIT $4`,
      [histogramIds, new Date(startMs), new Date(endMs), maxSamples + 1],
    );
    const beforeOf = groupById(before);
    const rowsOf = groupById(rows);
    const result: SeriesSamples[] = [];
    let loaded = 0;
    for (const s of series) {
      const own = rowsOf.get(s.id) ?? [];
      loaded += own.length;
      if (loaded > maxSamples) throw new QueryLimitError(maxSamples);
      let running = 0;
      for (const b of beforeOf.get(s.id) ?? []) if (Number(b.le) <= s.le) running += Number(b.c);
      const values = own.map((r) => {
        running += countAtOrBelow(r.bounds.map(Number), r.counts.map(Number), s.le);
        return running;
      });
      result.push({ labels: s.labels, timestamps: own.map((r) => Number(r.t)), values });
    }
    return result;
  }

  /** `target_info` samples: 1 at every time one of the resource's series has a point. */
  private async targetInfoSamples(
    series: readonly TargetInfoSeries[],
    startMs: number,
    endMs: number,
    maxSamples: number,
  ): Promise<SeriesSamples[]> {
    const result: SeriesSamples[] = [];
    let loaded = 0;
    for (const info of series) {
      const { rows } = await this.db.query<{ t: number }>(
        `SELECT DISTINCT ${MS} AS t FROM ${this.db.table('metrics')} m
          WHERE m.series_id = ANY($1::bigint[]) AND m.metric_type <> 'sample'
            AND m.recorded_at >= $2 AND m.recorded_at <= $3
          ORDER BY 1 LIMIT $4`,
        [info.ids, new Date(startMs), new Date(endMs), maxSamples - loaded + 1],
      );
      loaded += rows.length;
      if (loaded > maxSamples) throw new QueryLimitError(maxSamples);
      if (rows.length === 0) continue;
      result.push({
        labels: info.labels,
        timestamps: rows.map((r) => Number(r.t)),
        values: rows.map(() => 1),
      });
    }
    return result;
  }
}

/** The `target_info` series of the resources of `rows`, kept when `matchers` match. */
function targetInfoSeries(rows: readonly SeriesRow[], matchers: readonly LabelMatcher[]): TargetInfoSeries[] {
  const byResource = new Map<string, { labels: Labels; ids: string[] }>();
  for (const row of rows) {
    const key = JSON.stringify([row.service_name, row.resource]);
    const known = byResource.get(key);
    if (known) {
      known.ids.push(row.id);
      continue;
    }
    const labels = targetInfoLabels(row.service_name, row.resource);
    if (labels && matchers.every((m) => matches(m, labels))) byResource.set(key, { labels, ids: [row.id] });
  }
  return [...byResource.values()];
}

function groupById<T extends { id: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const own = out.get(row.id);
    if (own) own.push(row);
    else out.set(row.id, [row]);
  }
  return out;
}
