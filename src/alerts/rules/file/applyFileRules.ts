import { type Clock, systemClock } from '../../../clock.js';
import type { Database } from '../../../db/Database.js';
import { DEFAULT_PUBLIC_URL } from '../../notifiers/notificationLinks.js';
import type { AlertRule } from '../AlertRule.js';
import type { FileRecordingRule } from '../recording/RecordingRule.js';
import { syncRecordingRules } from '../recording/recordingRuleStore.js';
import { resolveDeletedRule } from '../resolveDeletedRule.js';
import { upsertRule } from '../ruleStore.js';
import { validateRule } from '../validateRule.js';
import type { FileRule } from './parseRuleFile.js';
import { RuleFileError, readRuleFile } from './readRuleFile.js';

/** Options of `applyFileRules` and `applyRuleFile`. */
export interface ApplyFileRulesOptions {
  /** Source of time. Default: the system clock. */
  clock?: Clock;
  /** Base URL of the dashboard that resolve notifications link to. Default `http://localhost:4318`. */
  publicUrl?: string;
  /** The file's recording rules, stored in place of the previous ones. Default: none. */
  recordingRules?: readonly FileRecordingRule[];
}

/** What applying a rule file changed, by rule name (a recording rule's by its `record` name). */
export interface ApplyFileRulesResult {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** File rules no longer in the file: deleted, what they left firing resolved. */
  removed: string[];
}

/** JSON with keys sorted: a definition read back from jsonb compares equal to the one written. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * Makes the stored rule-file rules exactly `rules` and `options.recordingRules`, in one transaction: new ones are created, changed
 * ones updated (keeping their alerts' state), and rule-file rules missing from `rules` are deleted with
 * what they left firing resolved (as `deleteAlertRule` does). Rules created through code or the API are
 * never touched; a file rule with the name of one fails the whole apply (ConflictError).
 */
export async function applyFileRules(
  db: Database,
  rules: readonly FileRule[],
  options: ApplyFileRulesOptions = {},
): Promise<ApplyFileRulesResult> {
  const validated = rules.map((r) => ({ group: r.group, rule: validateRule(r.definition) }));
  const now = (options.clock ?? systemClock).now();
  const result: ApplyFileRulesResult = { created: [], updated: [], unchanged: [], removed: [] };
  await db.transaction(async (tx) => {
    const stored = await tx.query<{ name: string; definition: AlertRule; rule_group: string | null }>(
      `SELECT name, definition, rule_group FROM ${tx.table('alert_rules')} WHERE origin = 'file' FOR UPDATE`,
    );
    const before = new Map(stored.rows.map((r) => [r.name, r]));
    for (const { group, rule } of validated) {
      const old = before.get(rule.name);
      if (old && old.rule_group === group && canonical(old.definition) === canonical(rule)) {
        result.unchanged.push(rule.name);
        continue;
      }
      await upsertRule(tx, rule, new Date(now), 'file', group);
      (old ? result.updated : result.created).push(rule.name);
    }
    const kept = new Set(validated.map((v) => v.rule.name));
    for (const old of stored.rows.filter((r) => !kept.has(r.name))) {
      await resolveDeletedRule(tx, old.definition, now, options.publicUrl ?? DEFAULT_PUBLIC_URL);
      await tx.query(`DELETE FROM ${tx.table('alert_rules')} WHERE name = $1`, [old.name]);
      result.removed.push(old.name);
    }
    const recording = await syncRecordingRules(tx, options.recordingRules ?? [], now);
    for (const key of ['created', 'updated', 'unchanged', 'removed'] as const)
      result[key].push(...recording[key]);
  });
  return result;
}

/**
 * Reads the rule file at `path` and applies it (see `applyFileRules`). Throws RuleFileError listing
 * every problem, and applies nothing, when the file does not validate.
 */
export async function applyRuleFile(
  db: Database,
  path: string,
  options: ApplyFileRulesOptions = {},
): Promise<ApplyFileRulesResult> {
  const parsed = await readRuleFile(path);
  if (parsed.problems.length > 0) throw new RuleFileError(path, parsed);
  return applyFileRules(db, parsed.rules, { ...options, recordingRules: parsed.recordingRules });
}
