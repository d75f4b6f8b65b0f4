import type { DatabaseSession } from '../../db/Database.js';
import { ALERT_STATES, type AlertState } from './InstanceState.js';
import { getAlertRule, listAlertRules, type StoredRule } from './ruleStore.js';

/** A rule's state at a glance: its worst instance, `error` when its last evaluation failed. */
export type RuleHealth = 'firing' | 'error' | 'nodata' | 'pending' | 'ok' | 'unevaluated';

/** A stored rule with its state and how many of its alert instances are in each state. */
export interface RuleOverview extends StoredRule {
  state: RuleHealth;
  instances: Record<AlertState, number>;
}

/** Firing first: what a person must look at before what merely lacks data. Pure. */
export function ruleHealth(
  instances: Record<AlertState, number>,
  rule: Pick<StoredRule, 'lastError' | 'lastEvalAt'>,
): RuleHealth {
  if (instances.firing > 0) return 'firing';
  if (rule.lastError !== null || instances.error > 0) return 'error';
  if (instances.nodata > 0) return 'nodata';
  if (instances.pending > 0) return 'pending';
  return rule.lastEvalAt === null ? 'unevaluated' : 'ok';
}

const noInstances = (): Record<AlertState, number> =>
  Object.fromEntries(ALERT_STATES.map((s) => [s, 0])) as Record<AlertState, number>;

async function counts(db: DatabaseSession, name: string | null) {
  const result = await db.query<{ rule_name: string; state: AlertState; n: number }>(
    `SELECT rule_name, state, count(*)::int AS n FROM ${db.table('alert_instances')}
      WHERE $1::text IS NULL OR rule_name = $1 GROUP BY rule_name, state`,
    [name],
  );
  const byRule = new Map<string, Record<AlertState, number>>();
  for (const r of result.rows) {
    const entry = byRule.get(r.rule_name) ?? noInstances();
    entry[r.state] = r.n;
    byRule.set(r.rule_name, entry);
  }
  return (rule: StoredRule): RuleOverview => {
    const instances = byRule.get(rule.rule.name) ?? noInstances();
    return { ...rule, state: ruleHealth(instances, rule), instances };
  };
}

/** Every rule (by name) with its state and instance counts: what `GET /api/alerts/rules` lists. */
export async function listRuleOverviews(db: DatabaseSession): Promise<RuleOverview[]> {
  const overview = await counts(db, null);
  return (await listAlertRules(db)).map(overview);
}

/** One rule with its state; NotFoundError when there is no such rule. */
export async function getRuleOverview(db: DatabaseSession, name: string): Promise<RuleOverview> {
  const rule = await getAlertRule(db, name);
  return (await counts(db, name))(rule);
}
