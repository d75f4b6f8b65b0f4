import { type Clock, systemClock } from '../../clock.js';
import type { Database, DatabaseSession } from '../../db/Database.js';
import { toJsonText } from '../../db/jsonText.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { DEFAULT_PUBLIC_URL } from '../notifiers/notificationLinks.js';
import type { AlertRule, AlertRuleDefinition } from './AlertRule.js';
import { resolveDeletedRule } from './resolveDeletedRule.js';
import { validateRule } from './validateRule.js';

/** Where a rule comes from: code (`saveAlertRules`), the API, or the rule file (see `applyFileRules`). */
export type RuleOrigin = 'code' | 'api' | 'file';

/**
 * Stores one validated rule from `origin` (in `group` for file rules). A rule of the rule file and one
 * from code or the API never replace each other: ConflictError names the owner to change instead.
 */
export async function upsertRule(
  db: DatabaseSession,
  rule: AlertRule,
  now: Date,
  origin: RuleOrigin,
  group: string | null = null,
): Promise<void> {
  const result = await db.query<{ name: string }>(
    `INSERT INTO ${db.table('alert_rules')} (name, definition, interval_ms, next_eval_at, updated_at, origin, rule_group)
     VALUES ($1, $2::jsonb, $3, $4, $4, $5, $6)
     ON CONFLICT (name) DO UPDATE SET definition = EXCLUDED.definition, interval_ms = EXCLUDED.interval_ms,
       enabled = true, updated_at = EXCLUDED.updated_at, origin = EXCLUDED.origin, rule_group = EXCLUDED.rule_group,
       next_eval_at = LEAST(alert_rules.next_eval_at, EXCLUDED.next_eval_at + EXCLUDED.interval_ms * interval '1 millisecond')
     WHERE (alert_rules.origin = 'file') = (EXCLUDED.origin = 'file')
     RETURNING name`,
    [rule.name, toJsonText(rule), rule.intervalMs, now, origin, group],
  );
  if (result.rows.length > 0) return;
  throw new ConflictError(
    origin === 'file'
      ? `Alert rule ${JSON.stringify(rule.name)} already exists, created through code or the API: rename the rule in the file or delete the other one.`
      : `Alert rule ${JSON.stringify(rule.name)} comes from the rule file: change it there (pgtel rules apply, or SIGHUP to pgtel serve).`,
  );
}

/**
 * Creates or replaces rules (validated first: one bad rule stores none). A new rule is due at once;
 * a changed rule keeps its instances and state. `origin` (default `code`) is recorded so that
 * reloading the rule file never touches these rules; a rule of the file is refused (ConflictError).
 */
export async function saveAlertRules(
  db: DatabaseSession,
  definitions: readonly AlertRuleDefinition[],
  clock: Clock = systemClock,
  origin: Exclude<RuleOrigin, 'file'> = 'code',
): Promise<AlertRule[]> {
  const rules = definitions.map(validateRule);
  const now = new Date(clock.now());
  for (const rule of rules) await upsertRule(db, rule, now, origin);
  return rules;
}

export interface DeleteAlertRuleOptions {
  /** Source of time for the resolve notifications. Default: the system clock. */
  clock?: Clock;
  /** Base URL of the dashboard the resolve notifications link to. Default `http://localhost:4318`. */
  publicUrl?: string;
  /** Refuse (ConflictError) to delete a rule of the rule file, as the API does. Default false. */
  keepFileRules?: boolean;
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
    const rule = await tx.query<{ definition: AlertRule; origin: RuleOrigin }>(
      `SELECT definition, origin FROM ${tx.table('alert_rules')} WHERE name = $1 FOR UPDATE`,
      [name],
    );
    const definition = rule.rows[0]?.definition;
    if (!definition) throw new NotFoundError(`Alert rule ${JSON.stringify(name)} not found.`);
    if (options.keepFileRules && rule.rows[0]?.origin === 'file')
      throw new ConflictError(
        `Alert rule ${JSON.stringify(name)} comes from the rule file: remove it there and reload.`,
      );
    await resolveDeletedRule(tx, definition, now, options.publicUrl ?? DEFAULT_PUBLIC_URL);
    await tx.query(`DELETE FROM ${tx.table('alert_rules')} WHERE name = $1`, [name]);
  });
}

/** An alert rule as stored, with its evaluation state. */
export interface StoredRule {
  rule: AlertRule;
  origin: RuleOrigin;
  /** The rule file group of a file rule, else null. */
  group: string | null;
  enabled: boolean;
  nextEvalAt: Date;
  lastEvalAt: Date | null;
  lastError: string | null;
  evaluations: number;
  updatedAt: Date;
}

interface RuleRow {
  definition: AlertRule;
  origin: RuleOrigin;
  rule_group: string | null;
  enabled: boolean;
  next_eval_at: Date;
  last_eval_at: Date | null;
  last_error: string | null;
  evaluations: number | string;
  updated_at: Date;
}

const RULE_COLUMNS =
  'definition, origin, rule_group, enabled, next_eval_at, last_eval_at, last_error, evaluations, updated_at';

function toStoredRule(r: RuleRow): StoredRule {
  return {
    rule: r.definition,
    origin: r.origin,
    group: r.rule_group,
    enabled: r.enabled,
    nextEvalAt: r.next_eval_at,
    lastEvalAt: r.last_eval_at,
    lastError: r.last_error,
    evaluations: Number(r.evaluations),
    updatedAt: r.updated_at,
  };
}

/** Every rule with its origin and evaluation status, by name; only those of `origin` when given. */
/** Every stored alert rule with its evaluation state, by name. */
export async function listAlertRules(
  db: DatabaseSession,
  options: { origin?: RuleOrigin } = {},
): Promise<StoredRule[]> {
  const result = await db.query<RuleRow>(
    `SELECT ${RULE_COLUMNS} FROM ${db.table('alert_rules')}
      WHERE $1::text IS NULL OR origin = $1 ORDER BY name`,
    [options.origin ?? null],
  );
  return result.rows.map(toStoredRule);
}

/** One rule with its status; NotFoundError when there is no such rule. */
export async function getAlertRule(db: DatabaseSession, name: string): Promise<StoredRule> {
  const result = await db.query<RuleRow>(
    `SELECT ${RULE_COLUMNS} FROM ${db.table('alert_rules')} WHERE name = $1`,
    [name],
  );
  if (!result.rows[0]) throw new NotFoundError(`Alert rule ${JSON.stringify(name)} not found.`);
  return toStoredRule(result.rows[0]);
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
