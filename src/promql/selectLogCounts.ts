import type { DatabaseSession } from '../db/Database.js';
import { severityNameSql } from '../logs/logSeverity.js';
import { matches } from './labelMatch.js';
import {
  LOG_COUNT_STEP_MS,
  LOG_RECORDS_METRIC,
  type LogCountBucket,
  logCountLabels,
  logCountSamples,
} from './logCountSamples.js';
import { QueryLimitError } from './PromQLError.js';
import type { LabelMatcher, Labels, SeriesSamples } from './SampleSource.js';

/** Whether the selector can select the log count series at all (else the logs are not read). */
function selectsLogCounts(matchers: readonly LabelMatcher[]): boolean {
  const name = { __name__: LOG_RECORDS_METRIC };
  return matchers.filter((m) => m.name === '__name__').every((m) => matches(m, name));
}

/**
 * Records in `(startMs, endMs]` counted by service, severity name and step past `startMs` (all in
 * one step when `stepMs` is undefined); a `service_name="x"` matcher is pushed into SQL.
 */
async function countLogs(
  db: DatabaseSession,
  matchers: readonly LabelMatcher[],
  startMs: number,
  endMs: number,
  stepMs?: number,
): Promise<LogCountBucket[]> {
  const params: unknown[] = [new Date(startMs), new Date(endMs)];
  const where = ['time > $1', 'time <= $2'];
  const service = matchers.find((m) => m.name === 'service_name' && m.type === '=');
  if (service) {
    params.push(service.value);
    where.push(`service_name = $${params.length}`);
  }
  let step = '0';
  if (stepMs !== undefined) {
    params.push(startMs, stepMs);
    step = `ceil((extract(epoch FROM time) * 1000 - $${params.length - 1}) / $${params.length})::int`;
  }
  const { rows } = await db.query<{ service: string; severity: string; step: number; count: string }>(
    `SELECT service_name AS service, ${severityNameSql('severity_number')} AS severity, ${step} AS step,
            count(*) AS count
       FROM ${db.table('logs')} WHERE ${where.join(' AND ')} GROUP BY 1, 2, 3`,
    params,
  );
  return rows.map((r) => ({
    service: r.service,
    severity: r.severity,
    step: r.step,
    count: Number(r.count),
  }));
}

/**
 * The `pgtel_log_records_total` series matching `matchers` over `[startMs, endMs]` (see
 * `logCountSamples`), counted from the logs table; none unless the selector can select that name.
 * Throws QueryLimitError past `maxSamples` samples.
 */
export async function selectLogCounts(
  db: DatabaseSession,
  matchers: readonly LabelMatcher[],
  startMs: number,
  endMs: number,
  maxSamples: number,
): Promise<SeriesSamples[]> {
  if (!selectsLogCounts(matchers)) return [];
  const buckets = await countLogs(db, matchers, startMs, endMs, LOG_COUNT_STEP_MS);
  const series = logCountSamples(buckets, startMs, endMs).filter((s) =>
    matchers.every((m) => matches(m, s.labels)),
  );
  if (series.reduce((n, s) => n + s.timestamps.length, 0) > maxSamples) throw new QueryLimitError(maxSamples);
  return series;
}

/** Labels of the `pgtel_log_records_total` series matching `matchers` that have records in the range. */
export async function logCountSeries(
  db: DatabaseSession,
  matchers: readonly LabelMatcher[],
  startMs: number,
  endMs: number,
): Promise<Labels[]> {
  if (!selectsLogCounts(matchers)) return [];
  const buckets = await countLogs(db, matchers, startMs, endMs);
  return buckets
    .map((b) => logCountLabels(b.service, b.severity))
    .filter((labels) => matchers.every((m) => matches(m, labels)));
}
