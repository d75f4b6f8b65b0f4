import type { Database } from '../../db/Database.js';
import { instantQuery } from '../../promql/engine.js';
import { PgSampleSource } from '../../promql/PgSampleSource.js';
import { type RuleSeries, ruleSeriesOf } from './ruleSeriesOf.js';

/**
 * Evaluates a PromQL rule expression at `now` over pgtel's stored samples, in a READ ONLY transaction
 * with a statement timeout (`timeoutMs`, also the engine's own limit). Throws what the engine throws.
 */
export function queryRuleSeries(
  db: Database,
  expr: string,
  now: number,
  timeoutMs: number,
): Promise<RuleSeries[]> {
  return db.transaction(
    async (tx) => ruleSeriesOf(await instantQuery(new PgSampleSource(tx), expr, now, { timeoutMs })),
    { readOnly: true, statementTimeoutMs: timeoutMs },
  );
}
