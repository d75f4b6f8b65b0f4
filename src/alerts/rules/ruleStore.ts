import { type Clock, systemClock } from '../../clock.js';
import type { Database, DatabaseSession } from '../../db/Database.js';
import { toJsonText } from '../../db/jsonText.js';
import { NotFoundError } from '../../errors.js';
import { DEFAULT_PUBLIC_URL } from '../notifiers/notificationLinks.js';
import type { AlertRule, AlertRuleDefinition } from './AlertRule.js';
import { resolveDeletedRule } from './resolveDeletedRule.js';
import { validateRule } from './validateRule.js';

/**
 * Creates or replaces rules (validated first: one bad rule stores none). A new rule is due at once;
 * a changed rule keeps its instances and state.
 */
export async function saveAlertRules(
  db: DatabaseSession,
  definitions: readonly AlertRuleDefinition[],
  clock: Clock = systemClock,
): Promise<AlertRule[]> {
  const rules = definitions.map(validateRule);
  const now = new Date(clock.now());
  for (const rule of rules) {
    await db.query(
      `INSERT INTO ${db.table('alert_rules')} (name, definition, interval_ms, next_eval_at, updated_at)
       VALUES ($1, $2::jsonb, $3, $4, $4)
       ON CONFLICT (name) DO UPDATE SET definition = EXCLUDED.definition, interval_ms = EXCLUDED.interval_ms,
         enabled = true, updated_at = EXCLUDED.updated_at,
         next_eval_at = LEAST(alert_rules.next_eval_at, EXCLUDED.next_eval_at + EXCLUDED.interval_ms * interval '1 millisecond')`,
      [rule.name, toJsonText(rule), rule.intervalMs, now],
    );
  }
  return rules;
}

export interface DeleteAlertRuleOptions {
  /** Source of time for the resolve notifications. Default: the system clock. */
  clock?: Clock;
  /** Base URL of the dashboard the resolve notifications link to. Default `http://localhost:4318`. */
  publicUrl?: string;
}

/**
 * Removes a rule with its instances (history is kept). What it left firing is resolved in the same
 * transaction: its alert rows, and a `resolved` notification queued for every notifier that was
 * told it fired (see `resolveDeletedRule`). NotFoundError when there is no such rule.
 */
export async function deleteAlertRule(
  db: Database,
  name: string,
  options: DeleteAlertRuleOptions = {},
): Promise<void> {
  const now = (options.clock ?? systemClock).now();
  await db.transaction(async (tx) => {
    const rule = await tx.query<{ definition: AlertRule }>(
      `SELECT definition FROM ${tx.table('alert_rules')} WHERE name = $1 FOR UPDATE`,
      [name],
    );
    const definition = rule.rows[0]?.definition;
    if (!definition) throw new NotFoundError(`Alert rule ${JSON.stringify(name)} not found.`);
    await resolveDeletedRule(tx, definition, now, options.publicUrl ?? DEFAULT_PUBLIC_URL);
    await tx.query(`DELETE FROM ${tx.table('alert_rules')} WHERE name = $1`, [name]);
  });
}

export interface StoredRule {
  rule: AlertRule;
  enabled: boolean;
  nextEvalAt: Date;
  lastEvalAt: Date | null;
  lastError: string | null;
  evaluations: number;
}

export async function listAlertRules(db: DatabaseSession): Promise<StoredRule[]> {
  const result = await db.query<{
    definition: AlertRule;
    enabled: boolean;
    next_eval_at: Date;
    last_eval_at: Date | null;
    last_error: string | null;
    evaluations: number;
  }>(
    `SELECT definition, enabled, next_eval_at, last_eval_at, last_error, evaluations
       FROM ${db.table('alert_rules')} ORDER BY name`,
  );
  return result.rows.map((r) => ({
    rule: r.definition,
    enabled: r.enabled,
    nextEvalAt: r.next_eval_at,
    lastEvalAt: r.last_eval_at,
    lastError: r.last_error,
    evaluations: r.evaluations,
  }));
}

/**
 * Claims up to `limit` due rules and moves their next evaluation one interval ahead, in one statement
 * with `FOR UPDATE SKIP LOCKED`: concurrent evaluators get disjoint rules and each due rule is
 * evaluated once. A process that dies after claiming simply leaves the rule for its next interval.
 */
export async function claimDueRules(db: DatabaseSession, now: number, limit: number): Promise<AlertRule[]> {
  const rules = db.table('alert_rules');
  const result = await db.query<{ definition: AlertRule }>(
    `UPDATE ${rules} SET next_eval_at = $1::timestamptz + interval_ms * interval '1 millisecond',
            last_eval_at = $1, evaluations = evaluations + 1
      WHERE name IN (SELECT name FROM ${rules} WHERE enabled AND next_eval_at <= $1
                      ORDER BY next_eval_at, name LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING definition`,
    [new Date(now), limit],
  );
  return result.rows.map((r) => r.definition);
}
