import type { MetricSnapshot } from './MetricsCollector.js';

/** Content-Type of the Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

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

function renderMetric(metric: MetricSnapshot, name: string): string {
  const type = metric.kind === 'counter' ? 'counter' : metric.kind === 'histogram' ? 'histogram' : 'gauge';
  let out = metric.description ? `# HELP ${name} ${escapeHelp(metric.description)}\n` : '';
  out += `# TYPE ${name} ${type}\n`;
  const bounds = [...new Set(metric.buckets ?? DEFAULT_PROMETHEUS_BUCKETS)]
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  for (const series of metric.series) {
    const sketch = series.histogram;
    if (!sketch) {
      out += `${name}${labelText(series.labels)} ${formatValue(series.value)}\n`;
      continue;
    }
    for (const bound of bounds) {
      const le = formatValue(bound);
      out += `${name}_bucket${labelText(series.labels, ['le', le])} ${sketch.countAtOrBelow(bound)}\n`;
    }
    out += `${name}_bucket${labelText(series.labels, ['le', '+Inf'])} ${sketch.count}\n`;
    out += `${name}_sum${labelText(series.labels)} ${formatValue(sketch.sum)}\n`;
    out += `${name}_count${labelText(series.labels)} ${sketch.count}\n`;
  }
  return out;
}

/**
 * Renders current metric values in the Prometheus text format 0.0.4: names and label names made
 * valid (counters end in `_total`), label values and HELP escaped, histograms as cumulative `_bucket{le}` (to sketch precision,
 * 1%) plus `_sum` and `_count`. Pure. Names that collide once made valid are rendered once (first wins).
 */
export function renderPrometheus(metrics: readonly MetricSnapshot[]): string {
  const taken = new Set<string>();
  let out = '';
  for (const metric of metrics) {
    const base = prometheusMetricName(metric.name);
    // Prometheus names counters `<name>_total` (promtool flags those without it).
    const name = metric.kind === 'counter' && !base.endsWith('_total') ? `${base}_total` : base;
    const reserved =
      metric.kind === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
    if (reserved.some((n) => taken.has(n))) continue;
    for (const n of reserved) taken.add(n);
    out += renderMetric(metric, name);
  }
  return out;
}
