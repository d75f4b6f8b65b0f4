import { type SampleRow, sampleRow } from '../../../metrics/metricRows.js';
import { type StoredSeries, storedSeries } from '../../../metrics/StoredSeries.js';
import type { RuleSeries } from '../ruleSeriesOf.js';
import type { RecordingRule } from './RecordingRule.js';

/**
 * The `metrics` rows (type 'sample') of one evaluation of a recording rule at `timeMs`: each result
 * series renamed `record`, with the rule's labels on top. Two series that end up with the same labels
 * throw, as in Prometheus (the rule would write one series twice). Pure.
 */
export function recordedRows(
  rule: Pick<RecordingRule, 'record' | 'labels'>,
  result: readonly RuleSeries[],
  timeMs: number,
): { rows: SampleRow[]; series: StoredSeries[] } {
  const rows: SampleRow[] = [];
  const series = new Map<string, StoredSeries>();
  const at = new Date(timeMs);
  for (const {
    labels: { __name__: _name, ...labels },
    value,
  } of result) {
    const stored = storedSeries({
      name: rule.record,
      serviceName: '',
      resource: {},
      scopeName: '',
      scopeVersion: '',
      labels: { ...labels, ...rule.labels },
    });
    if (series.has(stored.id))
      throw new Error(
        `the result holds two series with the labels ${JSON.stringify(stored.labels)} once named ${rule.record} with the rule's labels`,
      );
    series.set(stored.id, stored);
    rows.push(sampleRow(stored, value, at, false));
  }
  return { rows, series: [...series.values()] };
}
