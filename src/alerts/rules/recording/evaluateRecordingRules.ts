import { type Clock, systemClock } from '../../../clock.js';
import type { Database } from '../../../db/Database.js';
import type { Logger } from '../../../logger.js';
import { storeSampleRows } from '../../../metrics/storeMetricRows.js';
import { redact } from '../../../redact.js';
import { queryRuleSeries } from '../queryRuleSeries.js';
import { recordedRows } from './recordedRows.js';
import { claimDueRecordingRules, noteRecordingResult } from './recordingRuleStore.js';

/** Options of `evaluateRecordingRules`. */
export interface RecordingOptions {
  /** Source of time. Default: the system clock. */
  clock?: Clock;
  /** Receives rule failures. Default: none (not logged). */
  logger?: Logger;
  /** Statement timeout and PromQL time limit of one evaluation, in ms. Default 5000. */
  timeoutMs?: number;
}

/** What one `evaluateRecordingRules` call did. */
export interface RecordingSummary {
  /** `record` names of the rules evaluated, in order. */
  evaluated: string[];
  errors: { record: string; error: string }[];
  /** Samples stored (a time another process already stored is not stored again). */
  samples: number;
}

/**
 * One tick of the recording rules: claims the due groups and evaluates their rules in order, each at
 * the last multiple of its interval, storing each result as samples in its own transaction (so the
 * next rule of the group reads it). A sample already stored for that series and time is skipped, so
 * processes running the same rules never write one twice. Call it on a timer.
 */
export async function evaluateRecordingRules(
  db: Database,
  options: RecordingOptions = {},
): Promise<RecordingSummary> {
  const now = (options.clock ?? systemClock).now();
  const summary: RecordingSummary = { evaluated: [], errors: [], samples: 0 };
  for (const due of await claimDueRecordingRules(db, now)) {
    summary.evaluated.push(due.rule.record);
    let error: string | null = null;
    try {
      const result = await queryRuleSeries(db, due.rule.expr, due.timeMs, options.timeoutMs ?? 5_000);
      const { rows, series } = recordedRows(due.rule, result, due.timeMs);
      summary.samples += await db.transaction((tx) => storeSampleRows(tx, rows, series, now));
    } catch (failure) {
      error = redact((failure as Error).message ?? String(failure));
      summary.errors.push({ record: due.rule.record, error });
      options.logger?.warn(`recording rule ${due.rule.record} failed`, { group: due.group, error });
    }
    await noteRecordingResult(db, due, error);
  }
  return summary;
}
