import { type Clock, systemClock } from '../../clock.js';
import type { Database } from '../../db/Database.js';
import type { Logger } from '../../logger.js';
import type { Notifier } from '../notifiers/Notifier.js';
import { DEFAULT_PUBLIC_URL } from '../notifiers/notificationLinks.js';
import { listSilences } from '../silences/silenceStore.js';
import { claimDueRules } from './ruleStore.js';
import { runRuleSource } from './runRuleSource.js';
import { writeEvaluation } from './writeEvaluation.js';

/** Options of `evaluateDueRules`. */
export interface EvaluateOptions {
  /** Notifiers to queue notifications for (sending is the outbox worker's job). Default: none. */
  notifiers?: readonly Notifier[];
  /** Source of time. Default: the system clock. */
  clock?: Clock;
  /** Receives rule failures. Default: none (not logged). */
  logger?: Logger;
  /** Rules claimed per call (default 20). */
  batchSize?: number;
  /** Statement timeout of SQL rules that set none (default 5000; `pgtel serve` passes queryTimeoutMs). */
  sqlTimeoutMs?: number;
  /**
   * Base URL of the pgtel dashboard that notifications link to (the alert, its traces, workflows and
   * metric). Default: `http://localhost:4318` (`pgtel serve` passes its `publicUrl` option).
   */
  publicUrl?: string;
}

/** What one `evaluateDueRules` call evaluated and changed. */
export interface EvaluationSummary {
  /** Names of the rules this call evaluated. */
  evaluated: string[];
  /** Rules whose source failed (their instances are now in their error state). */
  errors: { rule: string; error: string }[];
  /** State changes recorded in the history. */
  transitions: number;
  /** Notifications written to the outbox. */
  notifications: number;
  /** Notifications held back by a silence, flapping or an acknowledgement. */
  suppressed: number;
}

/**
 * One evaluation tick: claims the due rules (SKIP LOCKED, so N processes each evaluate a rule once),
 * runs their sources, then stores states, history and outbox rows in one transaction. Never sends
 * anything itself, so a slow notifier never delays evaluation. Call it on a timer (e.g. every 5 s).
 */
export async function evaluateDueRules(
  db: Database,
  options: EvaluateOptions = {},
): Promise<EvaluationSummary> {
  const clock = options.clock ?? systemClock;
  const now = clock.now();
  const rules = await claimDueRules(db, now, options.batchSize ?? 20);
  const summary: EvaluationSummary = {
    evaluated: [],
    errors: [],
    transitions: 0,
    notifications: 0,
    suppressed: 0,
  };
  if (rules.length === 0) return summary;
  const results = await Promise.all(
    rules.map((rule) => runRuleSource(db, rule.source, now, options.sqlTimeoutMs)),
  );
  const active = (await listSilences(db, { clock })).filter((s) => s.startsAt.getTime() <= now);
  const evaluations = rules.map((rule, i) => ({ rule, result: results[i]! }));
  const written = await db.transaction((tx) =>
    writeEvaluation(tx, evaluations, {
      now,
      silences: active,
      notifiers: options.notifiers ?? [],
      publicUrl: options.publicUrl ?? DEFAULT_PUBLIC_URL,
    }),
  );
  for (const { rule, result } of evaluations) {
    summary.evaluated.push(rule.name);
    if (!result.ok) {
      summary.errors.push({ rule: rule.name, error: result.error });
      options.logger?.warn(`alert rule ${rule.name} failed`, { error: result.error });
    }
  }
  return { ...summary, ...written };
}
