import type { Database } from '../../db/Database.js';
import { logCountQuery } from '../../logs/logCountQuery.js';
import { redact } from '../../redact.js';
import { runAsReader } from '../../schema/runAsReader.js';
import type { RuleSource } from './AlertRule.js';
import { metricSourceQuery } from './metricSourceQuery.js';
import { queryRuleSeries } from './queryRuleSeries.js';

/** One labelled value returned by a rule's source. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
  details: Record<string, number | string | null>;
}

/** Rows of a SQL rule read at most: one alert instance per row. */
const MAX_SQL_RULE_ROWS = 10_000;

export type SourceResult = { ok: true; samples: Sample[] } | { ok: false; error: string };

function labelText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Rows of a user SQL rule: a numeric `value` column, every other non-null column a label. */
export function samplesFromRows(rows: Record<string, unknown>[]): Sample[] {
  return rows.flatMap((row) => {
    if (!('value' in row)) throw new Error('the rule query must return a column named "value"');
    const raw = row.value;
    if (raw === null) return [];
    if (typeof raw !== 'number') throw new Error(`column "value" must be numeric (got ${typeof raw})`);
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(row)) {
      const text = k === 'value' ? null : labelText(v);
      if (text !== null) labels[k] = text;
    }
    return [{ labels, value: raw, details: {} }];
  });
}

/** A PromQL rule's series as alert samples: the metric name is not a label of the alert, as in Prometheus. */
async function promqlSamples(db: Database, expr: string, now: number, timeoutMs: number): Promise<Sample[]> {
  const series = await queryRuleSeries(db, expr, now, timeoutMs);
  return series.map(({ labels: { __name__: _name, ...labels }, value }) => ({ labels, value, details: {} }));
}

/**
 * Runs a rule's source at `now`. Never throws: a failing query is `{ ok: false }` so the rule can enter
 * its error state. User SQL runs as one sub-select (no second statement, no data-modifying WITH) as
 * the reader role (see `runAsReader`) with a statement timeout (the source's, else `defaultTimeoutMs`);
 * `$1` is the evaluation time. A PromQL source is evaluated by the PromQL engine, read-only with
 * `defaultTimeoutMs`.
 */
export async function runRuleSource(
  db: Database,
  source: RuleSource,
  now: number,
  defaultTimeoutMs = 5_000,
): Promise<SourceResult> {
  try {
    if (source.kind === 'sql') {
      const rows = await runAsReader(db, source.sql, {
        rowLimit: MAX_SQL_RULE_ROWS,
        at: new Date(now),
        statementTimeoutMs: source.timeoutMs ?? defaultTimeoutMs,
      });
      return { ok: true, samples: samplesFromRows(rows) };
    }
    if (source.kind === 'promql')
      return { ok: true, samples: await promqlSamples(db, source.expr, now, defaultTimeoutMs) };
    const name = (n: string) => db.table(n);
    const query =
      source.kind === 'logs'
        ? logCountQuery(source, source.windowMs, source.groupBy ?? [], name, now)
        : metricSourceQuery(source, name, now);
    const result = await db.query<{
      labels: Record<string, string>;
      value: number | null;
      details?: Sample['details'];
    }>(query.sql, query.params);
    return {
      ok: true,
      samples: result.rows
        .filter((r) => r.value !== null && Number.isFinite(r.value))
        .map((r) => ({ labels: r.labels, value: r.value!, details: r.details ?? {} })),
    };
  } catch (error) {
    return { ok: false, error: redact((error as Error).message ?? String(error)) };
  }
}
