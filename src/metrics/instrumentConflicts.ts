import type { DatabaseSession } from '../db/Database.js';
import type { OtlpMetric } from '../otlp/otlpModel.js';
import type { InstrumentKind } from './Instrument.js';
import { otlpInstrumentKind } from './otlpMetricRows.js';

export interface InstrumentConflicts {
  accepted: OtlpMetric[];
  refused: { name: string; reason: string; points: number }[];
}

/**
 * Keeps a metric name to one instrument kind: a metric whose kind differs from the one stored in
 * `metric_descriptions` (or from the first one in the same request) is refused, so that one name
 * never holds counter rows and gauge rows at once.
 */
export async function refuseInstrumentConflicts(
  tx: DatabaseSession,
  metrics: readonly OtlpMetric[],
): Promise<InstrumentConflicts> {
  const names = [...new Set(metrics.map((m) => m.name))];
  const { rows } = await tx.query<{ name: string; instrument: InstrumentKind }>(
    `SELECT metric_name AS name, instrument FROM ${tx.table('metric_descriptions')} WHERE metric_name = ANY($1::text[])`,
    [names],
  );
  const kinds = new Map(rows.map((r) => [r.name, r.instrument]));
  const result: InstrumentConflicts = { accepted: [], refused: [] };
  for (const metric of metrics) {
    const kind = otlpInstrumentKind(metric);
    const known = kinds.get(metric.name);
    if (kind !== undefined && known !== undefined && known !== kind) {
      result.refused.push({
        name: metric.name,
        reason: `sent as ${kind} but stored as ${known}; a metric name keeps one instrument kind`,
        points: metric.dataPoints.length,
      });
      continue;
    }
    if (kind !== undefined) kinds.set(metric.name, kind);
    result.accepted.push(metric);
  }
  return result;
}
