import type { Exemplar } from './ExemplarReservoir.js';
import type { ExposedExemplars } from './ExposedExemplars.js';
import type { MetricSnapshot } from './MetricsCollector.js';

/** Content-Type of the Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Content-Type of the OpenMetrics 1.0 text format. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** `prometheus`: text format 0.0.4; `openmetrics`: OpenMetrics 1.0 text with exemplars. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** `le` bounds used when a histogram sets none: OpenTelemetry's defaults, suited to milliseconds. */
export const DEFAULT_PROMETHEUS_BUCKETS: readonly number[] = [
  0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
];

/** A metric name Prometheus accepts: [a-zA-Z_:][a-zA-Z0-9_:]*. */
export function prometheusMetricName(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(clean) ? `_${clean}` : clean;
}

/** A label name Prometheus accepts: [a-zA-Z_][a-zA-Z0-9_]*, never the reserved `__` prefix. */
export function prometheusLabelName(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_]/g, '_');
  const start = /^[0-9]/.test(clean) ? `_${clean}` : clean;
  return start.startsWith('__') ? `x${start}` : start;
}

const escapeLabelValue = (value: string) => value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
const escapeHelp = (text: string) => text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function labelText(labels: Record<string, string>, extra?: [string, string]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const [name, value] of Object.entries(labels)) {
    const clean = prometheusLabelName(name);
    if (clean === 'le' && extra) continue;
    if (seen.has(clean)) continue;
    seen.add(clean);
    parts.push(`${clean}="${escapeLabelValue(value)}"`);
  }
  if (extra) parts.push(`${extra[0]}="${extra[1]}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/** ` # {trace_id="…",span_id="…"} value timestamp`: an OpenMetrics exemplar, or '' without one. */
function exemplarText(exemplar: Exemplar | undefined): string {
  if (!exemplar) return '';
  const ids = `{trace_id="${exemplar.traceId}",span_id="${exemplar.spanId}"}`;
  return ` # ${ids} ${formatValue(exemplar.value)} ${(exemplar.time / 1000).toFixed(3)}`;
}

/** The exemplar to show on `sample`, never older than the one shown there before when `exposed` remembers. */
const monotonic = (exposed: ExposedExemplars | undefined, sample: string, exemplar: Exemplar | undefined) =>
  exposed ? exposed.choose(sample, exemplar) : exemplar;

const latest = (a: Exemplar | undefined, b: Exemplar) => (a === undefined || b.time > a.time ? b : a);

/** The most recent exemplar of each bucket (index of the first bound >= its value; the last is +Inf). */
function bucketExemplars(
  bounds: readonly number[],
  exemplars: readonly Exemplar[],
): (Exemplar | undefined)[] {
  const chosen: (Exemplar | undefined)[] = new Array(bounds.length + 1).fill(undefined);
  for (const exemplar of exemplars) {
    const i = bounds.findIndex((bound) => exemplar.value <= bound);
    const at = i === -1 ? bounds.length : i;
    chosen[at] = latest(chosen[at], exemplar);
  }
  return chosen;
}

/** Exposition names of a metric: the family (TYPE, HELP) and the sample names it takes. */
function namesOf(metric: MetricSnapshot, format: ExpositionFormat): { family: string; samples: string[] } {
  const base = prometheusMetricName(metric.name);
  if (metric.kind === 'counter') {
    // Counter samples end in `_total` (promtool flags those without); OpenMetrics names the family without it.
    const family = base.endsWith('_total') && base !== '_total' ? base.slice(0, -'_total'.length) : base;
    const total = `${family}_total`;
    return format === 'openmetrics'
      ? { family, samples: [family, total] }
      : { family: total, samples: [total] };
  }
  const samples =
    metric.kind === 'histogram' ? [base, `${base}_bucket`, `${base}_sum`, `${base}_count`] : [base];
  return { family: base, samples };
}

function header(metric: MetricSnapshot, family: string, format: ExpositionFormat): string {
  const type = metric.kind === 'counter' ? 'counter' : metric.kind === 'histogram' ? 'histogram' : 'gauge';
  const openMetrics = format === 'openmetrics';
  let out = `# TYPE ${family} ${type}\n`;
  // OpenMetrics wants a family's UNIT to be the suffix of its name.
  if (openMetrics && /^[a-zA-Z0-9_]+$/.test(metric.unit) && family.endsWith(`_${metric.unit}`))
    out += `# UNIT ${family} ${metric.unit}\n`;
  if (!metric.description) return out;
  const help = escapeHelp(metric.description);
  return `# HELP ${family} ${openMetrics ? help.replaceAll('"', '\\"') : help}\n${out}`;
}

function renderMetric(
  metric: MetricSnapshot,
  family: string,
  format: ExpositionFormat,
  exposed: ExposedExemplars | undefined,
): string {
  const openMetrics = format === 'openmetrics';
  let out = header(metric, family, format);
  const bounds = [...new Set(metric.buckets ?? DEFAULT_PROMETHEUS_BUCKETS)]
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  for (const series of metric.series) {
    const exemplars = openMetrics ? (series.exemplars ?? []) : [];
    const sketch = series.histogram;
    if (!sketch) {
      const name = metric.kind === 'counter' && openMetrics ? `${family}_total` : family;
      // OpenMetrics allows exemplars on counters and histogram buckets only (an up-down counter is a gauge).
      const exemplar =
        metric.kind === 'counter' ? exemplars.reduce<Exemplar | undefined>(latest, undefined) : undefined;
      const sample = `${name}${labelText(series.labels)}`;
      out += `${sample} ${formatValue(series.value)}${exemplarText(monotonic(exposed, sample, exemplar))}\n`;
      continue;
    }
    const perBucket = bucketExemplars(bounds, exemplars);
    bounds.forEach((bound, i) => {
      const sample = `${family}_bucket${labelText(series.labels, ['le', formatValue(bound)])}`;
      out += `${sample} ${sketch.countAtOrBelow(bound)}${exemplarText(monotonic(exposed, sample, perBucket[i]))}\n`;
    });
    const inf = `${family}_bucket${labelText(series.labels, ['le', '+Inf'])}`;
    out += `${inf} ${sketch.count}${exemplarText(monotonic(exposed, inf, perBucket[bounds.length]))}\n`;
    out += `${family}_sum${labelText(series.labels)} ${formatValue(sketch.sum)}\n`;
    out += `${family}_count${labelText(series.labels)} ${sketch.count}\n`;
  }
  return out;
}

/**
 * Renders current metric values in the Prometheus text format 0.0.4 (the default) or OpenMetrics 1.0:
 * names and label names made valid, label values and HELP escaped, histograms as cumulative
 * `_bucket{le}` (to sketch precision, 1%) plus `_sum` and `_count`. Counter samples end in `_total`.
 * OpenMetrics also names counter families without `_total`, adds `# UNIT` when the name ends with
 * the unit, attaches exemplars (the most recent one of each histogram bucket and of each counter) and
 * ends with `# EOF`. Names that collide once made valid are rendered once (first wins). Pure, but
 * for `exposed`: an endpoint scraped repeatedly passes its own, so that no sample's exemplar goes
 * back in time from one scrape to the next (default none: each exposition stands alone).
 */
export function renderPrometheus(
  metrics: readonly MetricSnapshot[],
  format: ExpositionFormat = 'prometheus',
  exposed?: ExposedExemplars,
): string {
  const taken = new Set<string>();
  let out = '';
  for (const metric of metrics) {
    const { family, samples } = namesOf(metric, format);
    if (samples.some((n) => taken.has(n))) continue;
    for (const n of samples) taken.add(n);
    out += renderMetric(metric, family, format, exposed);
  }
  return format === 'openmetrics' ? `${out}# EOF\n` : out;
}
