import type { DatabaseSession } from '../db/Database.js';
import { parseApiLimit } from './apiParams.js';
import { type OtelInstrument, prometheusMetricName } from './otelToPrometheus.js';
import type { ApiAnswer, ApiForm } from './prometheusApi.js';

export interface MetricMetadata {
  type: string;
  help: string;
  unit: string;
}

const TYPE_OF: Record<OtelInstrument, string> = {
  counter: 'counter',
  updowncounter: 'gauge',
  gauge: 'gauge',
  histogram: 'histogram',
};

/**
 * `/api/v1/metadata`: what remote write said of each metric family, and each described
 * OpenTelemetry or library metric under its Prometheus name. `metric` narrows to one family, `limit`
 * caps the families (0: none); metadata is one entry a family, so `limit_per_metric` changes nothing.
 */
export async function prometheusMetadata(
  tx: DatabaseSession,
  form: ApiForm,
): Promise<ApiAnswer<Record<string, MetricMetadata[]>>> {
  const limit = parseApiLimit('limit', form.get('limit') ?? undefined);
  parseApiLimit('limit_per_metric', form.get('limit_per_metric') ?? undefined);
  const only = form.get('metric') || undefined;
  const [remote, described] = await Promise.all([
    tx.query<{ name: string; type: string; help: string; unit: string }>(
      `SELECT metric_family_name AS name, metric_type AS type, help, unit FROM ${tx.table('prometheus_metadata')}`,
    ),
    tx.query<{ name: string; instrument: OtelInstrument; unit: string; description: string }>(
      `SELECT metric_name AS name, instrument, unit, description FROM ${tx.table('metric_descriptions')}`,
    ),
  ]);
  const all = new Map<string, MetricMetadata>();
  for (const d of described.rows) {
    all.set(prometheusMetricName(d.name, d.unit, d.instrument), {
      type: TYPE_OF[d.instrument],
      help: d.description,
      unit: d.unit,
    });
  }
  for (const r of remote.rows) all.set(r.name, { type: r.type, help: r.help, unit: r.unit });
  const names = [...all.keys()].filter((n) => only === undefined || n === only).sort();
  const kept = limit > 0 ? names.slice(0, limit) : names;
  return { data: Object.fromEntries(kept.map((n) => [n, [all.get(n)!]])) };
}
